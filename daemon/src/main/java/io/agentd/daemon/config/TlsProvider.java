package io.agentd.daemon.config;

import java.util.Locale;

/** Which TLS implementation serves the API and Raft: setting {@code tls-provider}. */
public enum TlsProvider {
    /** OpenSSL (BoringSSL, through netty-tcnative) where its native library loads, else the JDK's. */
    AUTO,
    /** OpenSSL only: the server does not start where it cannot load. */
    OPENSSL,
    /** The JDK's own TLS engine. */
    JDK;

    static TlsProvider parse(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "auto" -> AUTO;
            case "openssl" -> OPENSSL;
            case "jdk" -> JDK;
            default -> throw new IllegalArgumentException("'" + text + "' must be auto, openssl or jdk");
        };
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
