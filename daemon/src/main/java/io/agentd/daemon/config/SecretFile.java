package io.agentd.daemon.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Secrets an operator keeps in files: read, stripped, and refused when short. */
public final class SecretFile {
    /** Fewer characters than this is too guessable for a secret that opens a cluster. */
    public static final int MIN_LENGTH = 32;

    private SecretFile() {
    }

    /** The secret in {@code file}; throws IllegalArgumentException naming the file and what is wrong. */
    public static String read(Path file, String what) {
        String secret;
        try {
            secret = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the " + what + " file " + file + ": " + e.getMessage(), e);
        }
        if (secret.length() < MIN_LENGTH) {
            throw new IllegalArgumentException("the " + what + " in " + file + " is " + secret.length()
                    + " characters; use at least " + MIN_LENGTH + " random ones (such as: head -c 32 /dev/urandom"
                    + " | base64)");
        }
        return secret;
    }
}
