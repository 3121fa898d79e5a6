package io.agentd.daemon.config;

import io.agentd.daemon.Agentd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerConfigTest {
    @TempDir
    Path dir;

    @Test
    void yamlKeysAreTheFlagNamesAndDurationsParse() throws Exception {
        Path f = dir.resolve("agentd.yaml");
        Files.writeString(f, """
                node-id: n2
                http-addr: 127.0.0.1:9000
                peers:
                  n1: 127.0.0.1:9101
                  n2: 127.0.0.1:9102
                election-timeout-min: 300ms
                election-timeout-max: 1s
                """);
        ServerConfig c = new ServerConfig();
        c.load(f);
        c.validate();
        assertThat(c.nodeId).isEqualTo("n2");
        assertThat(c.httpAddr).isEqualTo(new HostPort("127.0.0.1", 9000));
        assertThat(c.raftAddr).as("taken from peers").isEqualTo(new HostPort("127.0.0.1", 9102));
        assertThat(c.electionTimeoutMin).isEqualTo(Duration.ofMillis(300));
        assertThat(c.peers).containsKeys("n1", "n2");
    }

    @Test
    void unknownKeysAndBadValuesNameTheKey() throws Exception {
        Path f = dir.resolve("bad.yaml");
        Files.writeString(f, "http-adr: 127.0.0.1:1\n");
        assertThatThrownBy(() -> new ServerConfig().load(f)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown config key 'http-adr'");
        assertThatThrownBy(() -> new ServerConfig().set("http-addr", "nowhere", "--http-addr"))
                .hasMessageContaining("http-addr").hasMessageContaining("HOST:PORT");
        assertThatThrownBy(() -> new ServerConfig().set("election-timeout-min", "5 seconds", "f.yaml"))
                .hasMessageContaining("election-timeout-min").hasMessageContaining("500ms");
        assertThatThrownBy(() -> new ServerConfig().set("fast-failover", "maybe", "--fast-failover"))
                .hasMessageContaining("fast-failover");
        assertThatThrownBy(() -> new ServerConfig().set("peers", "n1", "--peers"))
                .hasMessageContaining("peers").hasMessageContaining("ID=HOST:PORT");
        ServerConfig c = new ServerConfig();
        c.set("election-timeout-min", "2s", "x");
        c.set("election-timeout-max", "1s", "x");
        assertThatThrownBy(c::validate).hasMessageContaining("election-timeout-max");
        ServerConfig p = new ServerConfig();
        p.set("peers", "a=127.0.0.1:1,b=127.0.0.1:2", "--peers");
        assertThatThrownBy(p::validate).hasMessageContaining("node-id 'n1'");
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
        assertThat(err.toString()).contains("snapshot-threshold").contains("lots");

        StringWriter err2 = new StringWriter();
        CommandLine dev = Agentd.newCommandLine();
        dev.setErr(new PrintWriter(err2));
        assertThat(dev.execute("dev", "--http-addr", "0.0.0.0:7420")).isEqualTo(2);
        assertThat(err2.toString()).contains("loopback");
    }

    @Test
    void everyConfigKeyIsAlsoAFlag() {
        CommandLine cl = Agentd.newCommandLine();
        for (String key : ServerConfig.keys()) {
            assertThat(cl.getSubcommands().get("server").getCommandSpec().findOption("--" + key)).as(key).isNotNull();
        }
    }
}
