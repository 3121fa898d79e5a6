package io.agentd.daemon.tls;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A server's TLS identity and trust, from its files, reloadable. The HTTP API builds a TLS context
 * from {@link #files()} and builds it again on each reload ({@link #onReload}); Raft and the
 * fast-failover links use {@link #keyManager()} and {@link #peerTrust()}, which ask the files read
 * last at every handshake. A reload whose files cannot be used changes nothing.
 *
 * <p>Thread-safe; reloads are serialized.
 */
public final class ServerTls {
    private static final Logger LOG = LoggerFactory.getLogger(ServerTls.class);
    private static final char[] NO_PASSWORD = new char[0];

    private final ServerTlsFiles.Paths paths;
    private final ReloadingKeyManager keys;
    private final ReloadingTrustManager peers;
    private final List<Consumer<ServerTlsFiles>> listeners = new CopyOnWriteArrayList<>();
    private volatile ServerTlsFiles files;

    private ServerTls(ServerTlsFiles.Paths paths, ServerTlsFiles files) {
        this.paths = paths;
        this.files = files;
        this.keys = new ReloadingKeyManager(keyManager(files));
        this.peers = new ReloadingTrustManager(trustManager(files.peerCa()));
    }

    /** Reads the files; throws {@link TlsFileException} naming the setting at fault. */
    public static ServerTls load(ServerTlsFiles.Paths paths) {
        return new ServerTls(paths, ServerTlsFiles.read(paths));
    }

    /** The files read last. */
    public ServerTlsFiles files() {
        return files;
    }

    /** This server's certificate and key, as read last: for Raft, and as its client certificate towards peers. */
    public X509ExtendedKeyManager keyManager() {
        return keys;
    }

    /** Trust in the servers' CA ({@code tls-ca}), as read last: Raft peers and fast-failover links. */
    public X509ExtendedTrustManager peerTrust() {
        return peers;
    }

    /** A JDK TLS context for calls to peers: this server's certificate, the servers' CA; follows reloads. */
    public SSLContext peerClientContext() {
        try {
            SSLContext c = SSLContext.getInstance("TLS");
            c.init(new KeyManager[]{keys}, new TrustManager[]{peers}, null);
            return c;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no TLS: " + e, e);
        }
    }

    /** Called with the new files after each successful reload (on the reloading thread). */
    public void onReload(Consumer<ServerTlsFiles> listener) {
        listeners.add(listener);
    }

    /**
     * Reads the files again and, if they can be used, puts them in place for new connections; else
     * throws {@link TlsFileException} (or IllegalStateException from a listener) and keeps what was there.
     */
    public synchronized ServerTlsFiles reload() {
        ServerTlsFiles next = ServerTlsFiles.read(paths);
        X509ExtendedKeyManager nextKeys = keyManager(next);
        X509ExtendedTrustManager nextPeers = trustManager(next.peerCa());
        for (Consumer<ServerTlsFiles> l : listeners) {
            l.accept(next); // the API's context first: it may refuse the files, and then nothing changed yet
        }
        keys.replace(nextKeys);
        peers.replace(nextPeers);
        files = next;
        LOG.info("TLS files reloaded: this server is now {}", next.describe());
        return next;
    }

    static X509ExtendedKeyManager keyManager(ServerTlsFiles f) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("server", f.key(), NO_PASSWORD, f.chain().toArray(new X509Certificate[0]));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, NO_PASSWORD);
            for (KeyManager k : kmf.getKeyManagers()) {
                if (k instanceof X509ExtendedKeyManager x) {
                    return x;
                }
            }
            throw new IllegalStateException("the JDK offers no X509ExtendedKeyManager");
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot hold the server's key: " + e, e);
        }
    }

    /** Trust in exactly {@code cas}. */
    public static X509ExtendedTrustManager trustManager(List<X509Certificate> cas) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            int i = 0;
            for (X509Certificate ca : cas) {
                ks.setCertificateEntry("ca-" + i++, ca);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            for (TrustManager t : tmf.getTrustManagers()) {
                if (t instanceof X509ExtendedTrustManager x) {
                    return x;
                }
            }
            throw new IllegalStateException("the JDK offers no X509ExtendedTrustManager");
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot hold the CA certificates: " + e, e);
        }
    }
}
