package io.agentd.daemon.it;

import io.agentd.cli.AgentctlRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLSocket;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Certificate rotation without a restart: {@code agentd tls init} run again on the same folder
 * (the CA kept, new certificates), SIGHUP, and a new connection to the API or to Raft sees the new
 * certificate; files that cannot be used on SIGHUP leave the current ones in place.
 */
class TlsRotationTest {
    @TempDir
    Path dir;

    @Test
    void sighupPutsNewCertificatesInPlaceForNewConnections() throws Exception {
        TestTls tls = TestTls.init(dir.resolve("tls"), "n1", "n2");
        try (ServerProcess s = new ServerProcess("n1", dir.resolve("n1"), List.of(), tls).start()) {
            await().atMost(Cluster.eventually()).until(s::ready);
            BigInteger first = servedSerial(tls, s);
            assertThat(first).isEqualTo(serialInFile(tls.cert("n1")));
            assertThat(raftSerial(tls, s)).isEqualTo(first);

            TestTls.init(tls.dir(), "n1", "n2"); // the CA stays, the certificates are new
            BigInteger second = serialInFile(tls.cert("n1"));
            assertThat(second).isNotEqualTo(first);
            assertThat(servedSerial(tls, s)).as("nothing changes before the signal").isEqualTo(first);
            signal("HUP", s.pid());
            try {
                await().atMost(Cluster.eventually()).until(() -> servedSerial(tls, s).equals(second));
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError("the API still shows certificate " + servedSerial(tls, s) + ", not " + second
                        + ", after SIGHUP; the server's log:\n" + s.log(), e);
            }
            assertThat(raftSerial(tls, s)).as("Raft's new connections too").isEqualTo(second);
            AgentctlRun status = AgentctlRun.agentctl(Map.of(), "--addr", s.url(), "--cacert", tls.ca().toString(),
                    "cluster", "status");
            assertThat(status.exitCode()).as(status.err()).isZero();

            // A key that does not belong to the certificate: refused, the current files stay.
            Files.copy(tls.key("n2"), tls.key("n1"), StandardCopyOption.REPLACE_EXISTING);
            signal("HUP", s.pid());
            await().atMost(Cluster.eventually()).until(() -> s.log().contains("cannot be used"));
            assertThat(s.log()).contains("is not the key of the certificate");
            assertThat(servedSerial(tls, s)).isEqualTo(second);
            assertThat(raftSerial(tls, s)).isEqualTo(second);
            assertThat(s.alive()).isTrue();
        }
    }

    /** The serial number of the certificate the server's API shows a new connection. */
    private static BigInteger servedSerial(TestTls tls, ServerProcess s) throws Exception {
        return serialAt(s.httpPort, tls.clientContextWithout());
    }

    /** The same on its Raft port, to a peer (n2's certificate: Raft is mutual TLS). */
    private static BigInteger raftSerial(TestTls tls, ServerProcess s) throws Exception {
        return serialAt(s.raftPort, io.agentd.client.ClientTls.sslContext(tls.ca(), tls.cert("n2"), tls.key("n2")));
    }

    private static BigInteger serialAt(int port, javax.net.ssl.SSLContext context) throws Exception {
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress("127.0.0.1", port), 3000);
            SSLSocket t = (SSLSocket) context.getSocketFactory().createSocket(plain, "127.0.0.1", port, true);
            javax.net.ssl.SSLParameters p = t.getSSLParameters();
            p.setApplicationProtocols(new String[]{"h2"});
            t.setSSLParameters(p);
            t.startHandshake();
            return ((X509Certificate) t.getSession().getPeerCertificates()[0]).getSerialNumber();
        }
    }

    private static BigInteger serialInFile(Path pem) throws Exception {
        try (var in = Files.newInputStream(pem)) {
            return ((X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificate(in)).getSerialNumber();
        }
    }

    private static void signal(String sig, long pid) throws Exception {
        Process p = new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).inheritIO().start();
        assertThat(p.waitFor()).isZero();
    }
}
