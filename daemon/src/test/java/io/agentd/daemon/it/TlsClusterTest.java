package io.agentd.daemon.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentd.cli.AgentctlRun;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Three real servers with TLS on the API (mutual: clients show a certificate) and on Raft, from the
 * files of {@code agentd tls init}: agentctl and a worker with the CA and their certificates work;
 * a client that does not trust the servers' CA, or that shows no certificate, fails with agentctl's
 * TLS exit code and a message that says what is wrong.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsClusterTest {
    private static final int TLS_EXIT = 9;

    @TempDir
    static Path dir;
    TestTls tls;
    Cluster cluster;
    String addr;

    @BeforeAll
    void start() throws Exception {
        tls = TestTls.init(dir.resolve("tls"), "n1", "n2", "n3");
        cluster = new Cluster(dir, 3, List.of("--tls-client-ca", tls.ca().toString()), tls);
        for (ServerProcess s : cluster.servers) {
            s.start();
        }
        await().atMost(Cluster.eventually()).until(() -> cluster.agreedLeader().isPresent()
                && cluster.servers.stream().allMatch(ServerProcess::ready));
        StringJoiner all = new StringJoiner(",");
        cluster.servers.forEach(s -> all.add(s.url()));
        addr = all.toString();
    }

    @AfterAll
    void stop() throws Exception {
        cluster.close();
    }

    /** agentctl with the CA and the client certificate, from the environment. */
    private AgentctlRun ctl(String addr, String... args) {
        return AgentctlRun.agentctl(Map.of("AGENTCTL_ADDR", addr, "AGENTCTL_CACERT", tls.ca().toString(),
                "AGENTCTL_CERT", tls.cert("client").toString(), "AGENTCTL_KEY", tls.key("client").toString()), args);
    }

    @Test
    void writesAndReadsGoThroughEveryServerWithTheCa() throws Exception {
        AgentctlRun ns = ctl(addr, "namespace", "create", "secure");
        assertThat(ns.exitCode()).as(ns.err() + cluster.logs()).isZero();
        // Through each server in turn: a follower forwards the write to the leader over Raft's TLS.
        for (ServerProcess s : cluster.servers) {
            AgentctlRun spawn = ctl(s.url(), "spawn", "via-" + s.id, "-n", "secure", "--cmd", "/bin/true", "-o", "json");
            assertThat(spawn.exitCode()).as(spawn.err() + cluster.logs()).isZero();
        }
        // Linearizable reads on every server: a follower's read index is asked of the leader over Raft.
        for (ServerProcess s : cluster.servers) {
            AgentctlRun list = ctl(s.url(), "list", "-n", "secure", "-o", "json");
            assertThat(list.exitCode()).as(list.err()).isZero();
            JsonNode agents = Http.JSON.readTree(list.out());
            assertThat(agents).extracting(a -> a.path("name").asText())
                    .containsExactlyInAnyOrder("via-n1", "via-n2", "via-n3");
        }
    }

    @Test
    void aClientThatDoesNotTrustTheServersCertificateFailsWithTheTlsExitCode() {
        AgentctlRun run = AgentctlRun.agentctl(Map.of("AGENTCTL_ADDR", addr), "cluster", "status");
        assertThat(run.exitCode()).as(run.err()).isEqualTo(TLS_EXIT);
        assertThat(run.err()).contains("TLS_FAILED").contains("not signed by a CA this client trusts")
                .contains("--cacert").doesNotContain("cannot reach");
    }

    @Test
    void mutualTlsRefusesAClientWithoutACertificate() {
        AgentctlRun run = AgentctlRun.agentctl(Map.of("AGENTCTL_ADDR", addr), "--cacert", tls.ca().toString(),
                "cluster", "status");
        assertThat(run.exitCode()).as(run.err()).isEqualTo(TLS_EXIT);
        assertThat(run.err()).contains("refused this client's TLS handshake");

        AgentctlRun with = AgentctlRun.agentctl(Map.of("AGENTCTL_ADDR", addr), "--cacert", tls.ca().toString(),
                "--cert", tls.cert("client").toString(), "--key", tls.key("client").toString(), "cluster", "status");
        assertThat(with.exitCode()).as(with.err()).isZero();
    }

    @Test
    void plainHttpToTheTlsPortIsToldToUseHttps() {
        ServerProcess s = cluster.get(0);
        AgentctlRun run = AgentctlRun.agentctl(Map.of("AGENTCTL_ADDR", "http://127.0.0.1:" + s.httpPort),
                "cluster", "status");
        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.err()).contains("served over TLS: use https://");
    }

    @Test
    void raftAcceptsOnlyPeersWithACertificateFromTheServersCa() throws Exception {
        ServerProcess s = cluster.get(1);
        // The servers' CA trusted, no certificate shown: refused.
        assertThatThrownBy(() -> http2Preface(s.raftPort, tls.clientContextWithout()))
                .isInstanceOf(SSLException.class);
        // A server's certificate: the gRPC server answers with its HTTP/2 settings.
        SSLContext asPeer = io.agentd.client.ClientTls.sslContext(tls.ca(), tls.cert("n3"), tls.key("n3"));
        assertThat(http2Preface(s.raftPort, asPeer)).isPositive();
    }

    @Test
    void aWorkerWithTheCaAndItsCertificateRunsAgents() throws Exception {
        try (WorkerProcess w = new WorkerProcess("tls-w1", dir.resolve("tls-w1"), addr, List.of(
                "--tls-ca", tls.ca().toString(), "--tls-cert", tls.cert("worker").toString(),
                "--tls-key", tls.key("worker").toString())).start()) {
            AgentctlRun ns = ctl(addr, "namespace", "create", "runs");
            assertThat(ns.exitCode()).as(ns.err()).isIn(0, 4);
            AgentctlRun spawn = ctl(addr, "spawn", "sleeper", "-n", "runs", "--cmd", "/bin/sleep", "--arg", "60");
            assertThat(spawn.exitCode()).as(spawn.err()).isZero();
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                AgentctlRun get = ctl(addr, "get", "sleeper", "-n", "runs", "-o", "json");
                assertThat(Http.JSON.readTree(get.out()).path("state").asText()).as(w.log()).isEqualTo("running");
            });
        }
    }

    /**
     * Opens TLS to a Raft port, offers HTTP/2 as gRPC wants, and reads the first bytes of the
     * server's answer; throws the SSLException of a refused handshake.
     */
    private static int http2Preface(int port, SSLContext context) throws Exception {
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress("127.0.0.1", port), 3000);
            plain.setSoTimeout(5000);
            SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(plain, "127.0.0.1", port, true);
            SSLParameters p = s.getSSLParameters();
            p.setApplicationProtocols(new String[]{"h2"});
            s.setSSLParameters(p);
            s.startHandshake();
            s.getOutputStream().write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\0\0\0\4\0\0\0\0\0".getBytes(
                    java.nio.charset.StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            return in.readNBytes(9).length;
        }
    }
}
