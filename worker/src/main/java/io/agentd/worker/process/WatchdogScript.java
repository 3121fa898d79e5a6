package io.agentd.worker.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;

/**
 * The {@code agentd-watchdog} script, shipped as a classpath resource next to this class
 * and written out to a file that bash can run. Its header documents the protocol.
 */
public final class WatchdogScript {
    public static final String FILE_NAME = "agentd-watchdog";

    private WatchdogScript() {
    }

    /** The script's text as shipped. */
    public static byte[] content() {
        try (InputStream in = WatchdogScript.class.getResourceAsStream(FILE_NAME)) {
            if (in == null) {
                throw new IllegalStateException("resource " + FILE_NAME + " is missing from the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes the script to {@code dir/agentd-watchdog} (mode 0755) unless an identical copy is
     * there, and returns its path. The file is replaced by an atomic rename, never rewritten in
     * place: bash reads a script as it runs, and watchdogs of running agents still read the old one.
     */
    public static Path install(Path dir) throws IOException {
        byte[] content = content();
        Files.createDirectories(dir);
        Path target = dir.resolve(FILE_NAME).toAbsolutePath();
        if (Files.isRegularFile(target) && Files.isExecutable(target)
                && Arrays.equals(Files.readAllBytes(target), content)) {
            return target;
        }
        Path tmp = Files.createTempFile(dir, "." + FILE_NAME, ".tmp");
        try {
            Files.write(tmp, content);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return target;
    }
}
