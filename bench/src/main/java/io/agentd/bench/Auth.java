package io.agentd.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The API token a tool sends as {@code Authorization: Bearer SECRET}, read from the file that
 * {@code --token-file} names (the bench scripts pass the cluster's bootstrap admin token). Without
 * the flag the tools send no token, which only a server with {@code insecure: true} accepts.
 */
final class Auth {
    private Auth() {
    }

    /** The token in the file {@code --token-file} names, or null without the flag. */
    static String token(Args a) {
        String file = a.string("token-file", "");
        if (file.isEmpty()) {
            return null;
        }
        String token;
        try {
            token = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new IllegalArgumentException("--token-file: cannot read " + file + ": " + e.getMessage());
        }
        if (token.isEmpty() || token.chars().anyMatch(c -> c <= ' ' || c > '~')) {
            throw new IllegalArgumentException("--token-file: " + file
                    + " does not hold a token (one line of printable ASCII)");
        }
        return token;
    }

    /** The header line for a hand-made request ("" for no token). */
    static String headerLine(String token) {
        return token == null ? "" : "Authorization: Bearer " + token + "\r\n";
    }
}
