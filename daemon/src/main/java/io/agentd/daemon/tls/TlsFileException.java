package io.agentd.daemon.tls;

import java.nio.file.Path;

/** A TLS file that cannot be used: unreadable, not PEM, a key that does not match its certificate. */
public final class TlsFileException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String key;

    /** @param key the setting that named the file, such as {@code tls-cert} */
    public TlsFileException(String key, Path file, String message) {
        super(key + ": " + file + ": " + message);
        this.key = key;
    }

    /** The setting that named the file. */
    public String key() {
        return key;
    }
}
