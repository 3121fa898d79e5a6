package io.agentd.daemon;

import io.agentd.config.ConfigKey;
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
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The worker's settings as `agentd worker` reads them: a YAML file, the environment and flags. */
class WorkerCommandTest {
    @TempDir
    Path dir;

    @Test
    void aConfigFileUsesTheFlagNamesAndListsAndMappingsStayWhatTheyAre() throws Exception {
        Path f = Files.writeString(dir.resolve("worker.yaml"), """
                servers: [http://127.0.0.1:7420, 127.0.0.1:7430]
                worker-id: w-7
                zone: eu-1
                label: {gpu: "yes", team: "search,ranking"}
                slots: 3
                heartbeat-interval: 250ms
                on-sigterm: drain
                drain-timeout: 2m
                max-restarts: 9
                """);
        WorkerConfig c = WorkerConfig.BINDER.bind(f, Map.of(), Map.of());
        assertThat(c.servers).containsExactly(URI.create("http://127.0.0.1:7420"), URI.create("http://127.0.0.1:7430"));
        assertThat(c.workerId).isEqualTo("w-7");
        assertThat(c.zone).isEqualTo("eu-1");
        // A value with a comma is that value, for the coordinators to judge (they name the label).
        assertThat(c.labels).isEqualTo(Map.of("gpu", "yes", "team", "search,ranking"));
        assertThat(c.slots).isEqualTo(3);
        assertThat(c.heartbeatInterval).isEqualTo(Duration.ofMillis(250));
        assertThat(c.onSigterm).isEqualTo(WorkerConfig.OnShutdown.DRAIN);
        assertThat(c.drainTimeout).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.maxRestarts).isEqualTo(9);
    }

    @Test
    void aFlagWinsOverTheEnvironmentWhichWinsOverTheFile() throws Exception {
        Path f = Files.writeString(dir.resolve("worker.yaml"), "slots: 3\nzone: a\nmax-restarts: 4\n");
        WorkerConfig c = WorkerConfig.BINDER.bind(f, Map.of("AGENTD_SLOTS", "4", "AGENTD_ZONE", "b"),
                Map.of("slots", List.of("5")));
        assertThat(c.slots).isEqualTo(5);
        assertThat(c.zone).isEqualTo("b");
        assertThat(c.maxRestarts).isEqualTo(4);
        assertThat(c.logFiles).isEqualTo(5);

        CommandLine cl = Agentd.newCommandLine();
        cl.parseArgs("worker", "--config", f.toString(), "--slots", "6", "--worker-id", "x1", "--label", "a=b",
                "--label", "c=d,e");
        WorkerConfig parsed = ((WorkerCommand) cl.getSubcommands().get("worker").getCommand()).settings();
        assertThat(parsed.slots).isEqualTo(6);
        assertThat(parsed.workerId).isEqualTo("x1");
        assertThat(parsed.labels).isEqualTo(Map.of("a", "b", "c", "d,e"));
    }

    @Test
    void badSettingsExitTwoNamingTheKey() throws Exception {
        StringWriter err = new StringWriter();
        CommandLine bad = Agentd.newCommandLine();
        bad.setErr(new PrintWriter(err));
        assertThat(bad.execute("worker", "--on-sigterm", "later")).isEqualTo(2);
        assertThat(err.toString()).contains("--on-sigterm: on-sigterm: 'later' must be stop or drain");

        Path empty = Files.writeString(dir.resolve("empty.yaml"), "data-dir:\n");
        StringWriter err2 = new StringWriter();
        CommandLine cl = Agentd.newCommandLine();
        cl.setErr(new PrintWriter(err2));
        assertThat(cl.execute("worker", "--config", empty.toString())).isEqualTo(2);
        assertThat(err2.toString()).contains("data-dir: has no value");
    }

    @Test
    void helpShowsEveryKeyWithWhatItDoesItsDefaultAndItsVariable() {
        CommandLine cl = Agentd.newCommandLine();
        StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out));
        assertThat(cl.execute("worker", "--help")).isZero();
        String help = out.toString().replaceAll("\\s+", " ");
        for (ConfigKey k : WorkerConfig.BINDER.keys()) {
            assertThat(help).contains("--" + k.name()).contains(k.env());
        }
        assertThat(help).contains("capacity in slots, 0 to 100000 (default: 8; env AGENTD_SLOTS)");
        assertThat(help).contains("how often the lease is renewed (default: a tenth of the coordinators' TTL, at"
                + " most 1s; env AGENTD_HEARTBEAT_INTERVAL)");
    }
}
