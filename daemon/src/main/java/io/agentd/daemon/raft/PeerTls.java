package io.agentd.daemon.raft;

import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import java.util.Objects;

/**
 * Mutual TLS between Raft peers (Ratis' gRPC TLS): each server shows {@code keys}' certificate,
 * both as a server and as a client, and accepts only peers whose certificate {@code trust} accepts.
 * Both are asked at every handshake, so managers whose content can change (a reload of the files)
 * reach new connections; gRPC keeps the connections it has.
 *
 * @param openSsl OpenSSL (Ratis' shaded netty-tcnative) rather than the JDK's engine, where it loads
 */
public record PeerTls(X509ExtendedKeyManager keys, X509ExtendedTrustManager trust, boolean openSsl) {
    public PeerTls {
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(trust, "trust");
    }
}
