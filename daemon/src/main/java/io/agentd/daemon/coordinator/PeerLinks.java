package io.agentd.daemon.coordinator;

import io.agentd.daemon.config.HostPort;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * How this server opens a connection to a peer's HTTP API for its own calls (fast failover): a
 * plain socket, or TLS with this server's certificate, checking that the peer's certificate chains
 * to the servers' CA and names the host it was reached at. Thread-safe.
 */
public final class PeerLinks {
    private final SSLSocketFactory tls;

    private PeerLinks(SSLSocketFactory tls) {
        this.tls = tls;
    }

    /** Plain TCP. */
    public static PeerLinks plain() {
        return new PeerLinks(null);
    }

    /** TLS from {@code context}, which holds this server's key and trusts the servers' CA. */
    public static PeerLinks tls(SSLContext context) {
        return new PeerLinks(context.getSocketFactory());
    }

    /**
     * A connected socket, its TLS handshake done (within {@code timeoutMillis} each): so a failure
     * to connect or to agree on TLS is an IOException here, never a read's end of file later.
     */
    Socket open(HostPort address, int timeoutMillis) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(address.host(), address.port()), timeoutMillis);
            if (tls == null) {
                return s;
            }
            s.setSoTimeout(timeoutMillis);
            SSLSocket t = (SSLSocket) tls.createSocket(s, address.host(), address.port(), true);
            SSLParameters p = t.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS");
            t.setSSLParameters(p);
            t.startHandshake();
            return t;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /**
     * Whether a failure to read from a peer is the peer refusing TLS (a fatal alert: it lives and
     * speaks) rather than the connection breaking. With TLS 1.3 a server checks the client's
     * certificate after the client has finished its handshake, so a refusal arrives on the first read.
     */
    static boolean refusedByPeer(IOException e) {
        return e instanceof SSLException && e.getMessage() != null && e.getMessage().contains("Received fatal alert");
    }
}
