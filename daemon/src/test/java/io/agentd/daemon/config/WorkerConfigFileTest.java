package io.agentd.daemon.config;

import io.agentd.daemon.Agentd;
import io.agentd.worker.WorkerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The worker's settings as `agentd worker` reads them: a YAML file and flags. */
class WorkerConfigFileTest {
    @TempDir
    Path dir;

    @Test
    void aConfigFileUsesTheFlagNamesAndListsAndMappingsWork() throws Exception {
        Path f = dir.resolve("worker.yaml");
        Files.writeString(f, """
                servers: [http://127.0.0.1:7420, 127.0.0.1:7430]
                worker-id: w-7
                zone: eu-1
                label: {gpu: "yes", tier: fast}
                slots: 3
                heartbeat-interval: 250ms
                on-sigterm: drain
                drain-timeout: 2m
                max-restarts: 9
                """);
        WorkerConfig c = new WorkerConfig();
        WorkerConfigFile.load(c, f);
        c.validate();
        assertThat(c.servers).containsExactly(URI.create("http://127.0.0.1:7420"), URI.create("http://127.0.0.1:7430"));
        assertThat(c.workerId).isEqualTo("w-7");
        assertThat(c.zone).isEqualTo("eu-1");
        assertThat(c.labels).isEqualTo(Map.of("gpu", "yes", "tier", "fast"));
        assertThat(c.slots).isEqualTo(3);
        assertThat(c.heartbeatInterval).isEqualTo(Duration.ofMillis(250));
        assertThat(c.onSigterm).isEqualTo(WorkerConfig.OnShutdown.DRAIN);
        assertThat(c.drainTimeout).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.maxRestarts).isEqualTo(9);
    }

    @Test
    void badValuesNameTheKeyAndTheSource() throws Exception {
        Path f = dir.resolve("bad.yaml");
        Files.writeString(f, "on-sigterm: explode\n");
        assertThatThrownBy(() -> load(f)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("bad.yaml").hasMessageContaining("on-sigterm").hasMessageContaining("explode");
        Files.writeString(f, "slotz: 3\n");
        assertThatThrownBy(() -> load(f)).hasMessageContaining("unknown worker config key 'slotz'");
        Files.writeString(f, "slots: -1\n");
        assertThatThrownBy(() -> load(f)).hasMessageContaining("slots");
        assertThatThrownBy(() -> new WorkerConfig().set("label", "novalue", "--label"))
                .hasMessageContaining("not k=v");
    }

    private static void load(Path f) {
        WorkerConfigFile.load(new WorkerConfig(), f);
    }

    @Test
    void flagsOverrideTheFileAndBadFlagsExitTwo() throws Exception {
        Path f = dir.resolve("worker.yaml");
        Files.writeString(f, "slots: 3\nzone: a\n");
        CommandLine cl = Agentd.newCommandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        cl.parseArgs("worker", "--config", f.toString(), "--slots", "5", "--worker-id", "x1");
        Agentd.Worker w = (Agentd.Worker) cl.getSubcommands().get("worker").getCommand();
        WorkerConfig c = w.resolve();
        assertThat(c.slots).isEqualTo(5);
        assertThat(c.zone).isEqualTo("a");
        assertThat(c.onSigterm).isEqualTo(WorkerConfig.OnShutdown.STOP);

        CommandLine bad = Agentd.newCommandLine();
        bad.setErr(new PrintWriter(err));
        assertThat(bad.execute("worker", "--on-sigterm", "later")).isEqualTo(2);
        assertThat(err.toString()).contains("--on-sigterm").contains("stop or drain");
    }

    @Test
    void everyConfigKeyIsAlsoAFlag() {
        CommandLine cl = Agentd.newCommandLine();
        for (String key : WorkerConfig.keys()) {
            assertThat(cl.getSubcommands().get("worker").getCommandSpec().findOption("--" + key)).as(key).isNotNull();
        }
    }
}
