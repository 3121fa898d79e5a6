package io.agentd.daemon.config;

import io.agentd.config.ConfigException;
import io.agentd.config.ConfigKey;
import io.agentd.daemon.Agentd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerConfigTest {
    @TempDir
    Path dir;

    private static ServerConfig flags(String... keyValues) {
        Map<String, List<String>> flags = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            flags.put(keyValues[i], List.of(keyValues[i + 1]));
        }
        return ServerConfig.SERVER.bind(null, Map.of(), flags);
    }

    @Test
    void yamlKeysAreTheFlagNamesAndTheFileKeepsTheirTypes() throws Exception {
        Path f = dir.resolve("agentd.yaml");
        Files.writeString(f, """
                node-id: n2
                http-addr: 127.0.0.1:9000
                peers:
                  n1: 127.0.0.1:9101
                  n2: 127.0.0.1:9102
                election-timeout-min: 300ms
                election-timeout-max: 1s
                max-batch: 64
                fast-failover: false
                """);
        ServerConfig c = ServerConfig.SERVER.bind(f, Map.of(), Map.of());
        assertThat(c.nodeId).isEqualTo("n2");
        assertThat(c.httpAddr).isEqualTo(new HostPort("127.0.0.1", 9000));
        assertThat(c.raftAddr).as("taken from peers").isEqualTo(new HostPort("127.0.0.1", 9102));
        assertThat(c.electionTimeoutMin).isEqualTo(Duration.ofMillis(300));
        assertThat(c.peers).containsKeys("n1", "n2");
        assertThat(c.maxBatch).isEqualTo(64);
        assertThat(c.fastFailover).isFalse();
    }

    @Test
    void aFlagWinsOverTheEnvironmentWhichWinsOverTheFileWhichWinsOverTheDefault() throws Exception {
        Path f = Files.writeString(dir.resolve("agentd.yaml"), "data-dir: /from/file\nworker-ttl: 3s\nmax-batch: 7\n");
        Map<String, String> env = Map.of("AGENTD_DATA_DIR", "/from/env", "AGENTD_WORKER_TTL", "4s");
        ServerConfig c = ServerConfig.SERVER.bind(f, env, Map.of("data-dir", List.of("/from/flag")));
        assertThat(c.dataDir).isEqualTo(Path.of("/from/flag"));
        assertThat(c.workerTtl).as("environment over file").isEqualTo(Duration.ofSeconds(4));
        assertThat(c.maxBatch).as("file over default").isEqualTo(7);
        assertThat(c.requestTimeout).as("default").isEqualTo(Duration.ofSeconds(10));
        assertThat(ServerConfig.DEV.bind(null, Map.of(), Map.of()).workerTtl).as("dev's own default")
                .isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void unknownKeysAndBadValuesNameTheKeyAndWhereTheValueCameFrom() throws Exception {
        Path f = Files.writeString(dir.resolve("bad.yaml"), "http-adr: 127.0.0.1:1\n");
        assertThatThrownBy(() -> ServerConfig.SERVER.bind(f, Map.of(), Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown config key 'http-adr'");
        assertThatThrownBy(() -> flags("http-addr", "nowhere"))
                .hasMessage("--http-addr: http-addr: 'nowhere' is not HOST:PORT");
        assertThatThrownBy(() -> flags("election-timeout-min", "5 seconds"))
                .hasMessageContaining("election-timeout-min").hasMessageContaining("500ms");
        assertThatThrownBy(() -> ServerConfig.SERVER.bind(null, Map.of("AGENTD_FAST_FAILOVER", "maybe"), Map.of()))
                .hasMessage("AGENTD_FAST_FAILOVER: fast-failover: 'maybe' is not true or false");
        assertThatThrownBy(() -> flags("peers", "n1"))
                .hasMessageContaining("peers").hasMessageContaining("KEY=VALUE");
        assertThatThrownBy(() -> flags("max-batch", "0"))
                .hasMessage("--max-batch: max-batch: 0 is not between 1 and 10000");
        assertThatThrownBy(() -> flags("election-timeout-min", "2s", "election-timeout-max", "1s"))
                .hasMessageContaining("election-timeout-max (1s) must be greater than election-timeout-min (2s)");
        assertThatThrownBy(() -> flags("peers", "a=127.0.0.1:1,b=127.0.0.1:2"))
                .hasMessageContaining("node-id 'n1'");
    }

    @Test
    void anEmptyValueIsRefusedAndMakesNoDirectoryNamedNull() throws Exception {
        Path f = Files.writeString(dir.resolve("empty.yaml"), "data-dir:\n");
        StringWriter err = new StringWriter();
        CommandLine cl = Agentd.newCommandLine();
        cl.setErr(new PrintWriter(err));
        assertThat(cl.execute("server", "--config", f.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("data-dir: has no value");
        assertThat(Path.of("null")).doesNotExist();
    }

    @Test
    void theServerCommandRefusesABadConfigWithExitTwoAndNamesTheKey() throws Exception {
        Path f = dir.resolve("bad.yaml");
        Files.writeString(f, "snapshot-threshold: lots\n");
        StringWriter err = new StringWriter();
        CommandLine cl = Agentd.newCommandLine();
        cl.setErr(new PrintWriter(err));
        int code = cl.execute("server", "--config", f.toString());
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("snapshot-threshold: 'lots' is not a whole number");

        StringWriter err2 = new StringWriter();
        CommandLine dev = Agentd.newCommandLine();
        dev.setErr(new PrintWriter(err2));
        assertThat(dev.execute("dev", "--http-addr", "0.0.0.0:7420")).isEqualTo(2);
        assertThat(err2.toString()).contains("loopback");
    }

    @Test
    void helpShowsEveryKeyWithWhatItDoesItsDefaultAndItsVariable() {
        CommandLine cl = Agentd.newCommandLine();
        StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out));
        assertThat(cl.execute("server", "--help")).isZero();
        String help = out.toString().replaceAll("\\s+", " ");
        for (ConfigKey k : ServerConfig.SERVER.keys()) {
            assertThat(cl.getSubcommands().get("server").getCommandSpec().findOption("--" + k.name())).as(k.name())
                    .isNotNull();
            assertThat(help).contains("--" + k.name()).contains(k.env());
        }
        assertThat(help).contains("a worker not heard from for this long is down and its agents move elsewhere"
                + " (default: 10s; env AGENTD_WORKER_TTL)");
        assertThat(help).contains("(default: none; env AGENTD_PEERS; comma-separated or repeated)");
    }

    @Test
    void tlsFilesGoTogether() {
        assertThatThrownBy(() -> flags("tls-cert", "/c.pem", "tls-ca", "/ca.pem")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("tls-key");
        assertThatThrownBy(() -> flags("tls-cert", "/c.pem", "tls-key", "/k.pem")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("tls-ca").hasMessageContaining("Raft peers");
        assertThatThrownBy(() -> flags("tls-client-ca", "/ca.pem")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("tls-client-ca is set, tls-cert is not");
        ServerConfig c = flags("tls-cert", "/c.pem", "tls-key", "/k.pem", "tls-ca", "/ca.pem", "tls-provider", "jdk");
        assertThat(c.tls()).isTrue();
        assertThat(c.tlsProvider).isEqualTo(TlsProvider.JDK);
        assertThatThrownBy(() -> flags("tls-provider", "boring")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("auto, openssl or jdk");
    }

    @Test
    void withoutTlsOnlyLoopbackAddressesAreAllowedUnlessInsecure() {
        flags("http-addr", "127.0.0.1:7420", "raft-addr", "localhost:7421").requireTlsBeyondLoopback();
        assertThatThrownBy(() -> flags("http-addr", "0.0.0.0:7420").requireTlsBeyondLoopback())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("refusing to listen on 0.0.0.0:7420 (http-addr) without TLS")
                .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo("http-addr"));
        assertThatThrownBy(() -> flags("peers", "n1=10.1.2.3:7421").requireTlsBeyondLoopback())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("10.1.2.3:7421 (raft-addr)").hasMessageContaining("not a loopback address");
        flags("http-addr", "0.0.0.0:7420", "insecure", "true").requireTlsBeyondLoopback();
        flags("http-addr", "0.0.0.0:7420", "tls-cert", "/c.pem", "tls-key", "/k.pem", "tls-ca", "/ca.pem")
                .requireTlsBeyondLoopback();
    }

    @Test
    void backpressureKeysParseTheirUnitsAndRefuseWhatMakesNoSense() {
        ServerConfig c = flags("max-inflight-requests", "64", "max-queued-proposals", "16", "min-free-disk", "16MiB",
                "disk-check-interval", "200ms", "token-rate-limit", "operator=200/s,reader=3000/m",
                "token-rate-burst", "2s");
        c.validate();
        assertThat(c.maxInflightRequests).isEqualTo(64);
        assertThat(c.maxQueuedProposals).isEqualTo(16);
        assertThat(c.minFreeDisk).isEqualTo(FreeSpace.ofBytes(16L << 20));
        assertThat(c.tokenRateLimit).containsEntry("operator", new RequestRate(200, Duration.ofSeconds(1)))
                .containsEntry("reader", new RequestRate(3000, Duration.ofMinutes(1)));
        assertThat(c.tokenRateBurst).isEqualTo(Duration.ofSeconds(2));
        assertThat(flags("min-free-disk", "5%").validate().minFreeDisk.of(1000)).isEqualTo(50);
        assertThat(flags("min-free-disk", "0").validate().minFreeDisk.off()).isTrue();

        ServerConfig d = new ServerConfig().validate();
        assertThat(d.minFreeDisk).isEqualTo(FreeSpace.ofBytes(256L << 20));
        assertThat(d.tokenRateLimit).isEmpty();

        assertThatThrownBy(() -> flags("min-free-disk", "lots").validate()).isInstanceOf(ConfigException.class)
                .hasMessageContaining("min-free-disk").hasMessageContaining("256MiB");
        assertThatThrownBy(() -> flags("min-free-disk", "16MB/s").validate()).isInstanceOf(ConfigException.class)
                .hasMessageContaining("min-free-disk");
        assertThatThrownBy(() -> flags("token-rate-limit", "operator=fast").validate())
                .isInstanceOf(ConfigException.class).hasMessageContaining("token-rate-limit");
        assertThatThrownBy(() -> flags("token-rate-limit", "robot=10/s").validate())
                .isInstanceOf(ConfigException.class).hasMessageContaining("'robot' is not a role");
        assertThatThrownBy(() -> flags("max-inflight-requests", "2").validate())
                .isInstanceOf(ConfigException.class).hasMessageContaining("max-inflight-requests: 2 is not between");
        assertThatThrownBy(() -> flags("max-queued-proposals", "0").validate())
                .isInstanceOf(ConfigException.class).hasMessageContaining("max-queued-proposals");

        assertThat(d.writeDelayTarget).isEqualTo(Duration.ofMillis(100));
        assertThat(flags("write-delay-target", "250ms").validate().writeDelayTarget).isEqualTo(Duration.ofMillis(250));
        assertThat(flags("write-delay-target", "0s").validate().writeDelayTarget).isZero();
        assertThatThrownBy(() -> flags("write-delay-target", "-1s").validate())
                .isInstanceOf(ConfigException.class).hasMessageContaining("write-delay-target");
        assertThatThrownBy(() -> flags("write-delay-target", "soon").validate())
                .isInstanceOf(ConfigException.class).hasMessageContaining("write-delay-target");
    }

    @Test
    void sizesAndRatesAreWrittenBackAsTheyAreRead() {
        for (String size : List.of("256MiB", "2GiB", "5%", "0", "1000")) {
            assertThat(FreeSpace.parse(size).toString()).isEqualTo(size);
        }
        assertThat(FreeSpace.parse("500MB").bytes()).isEqualTo(500_000_000L);
        assertThat(FreeSpace.human(12_345_678)).isEqualTo("11.8 MiB");
        for (String rate : List.of("200/s", "3000/m", "50000/h", "off")) {
            assertThat(RequestRate.parse(rate).toString()).isEqualTo(rate);
        }
        assertThat(RequestRate.parse("3000/m").perSecond()).isEqualTo(50.0);
    }
}
