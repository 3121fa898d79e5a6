package io.agentd.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentd.config.ConfigBinder;
import io.agentd.config.ConfigKey;
import io.agentd.daemon.config.ServerConfig;
import io.agentd.worker.WorkerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The configuration files the packages ship are valid, as shipped and with every key uncommented. */
class ShippedConfigTest {
    @TempDir
    Path dir;

    private <T> T bind(ConfigBinder<T> binder, String yaml, String name) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, yaml);
        return binder.bind(file, Map.of(), Map.of());
    }

    /** The file with every commented key that shows a default turned into a setting. */
    private static String uncommented(String yaml, List<ConfigKey> keys) {
        return yaml.lines().map(line -> {
            for (ConfigKey k : keys) {
                if (line.startsWith("#" + k.name() + ": ")) {
                    return line.substring(1);
                }
            }
            return line;
        }).collect(Collectors.joining("\n", "", "\n"));
    }

    @Test
    void theServersFileBindsAsShippedAndWithEveryDefaultWrittenOut() throws Exception {
        String yaml = Stage.serverYaml();
        ServerConfig shipped = bind(ServerConfig.SERVER, yaml, "agentd.yaml");
        assertThat(shipped.dataDir).isEqualTo(Path.of("/var/lib/agentd/server"));
        List<ConfigKey> keys = ServerConfig.SERVER.keys();
        for (ConfigKey k : keys) {
            if (!k.name().equals("data-dir")) {
                assertThat(yaml).as(k.name()).contains("#" + k.name() + ":");
            }
        }
        String all = uncommented(yaml, keys);
        assertThat(all).isNotEqualTo(yaml);
        ServerConfig written = bind(ServerConfig.SERVER, all, "agentd-all.yaml");
        assertThat(written.httpAddr).isEqualTo(new ServerConfig().httpAddr);
        assertThat(written.writeDelayTarget).isEqualTo(new ServerConfig().writeDelayTarget);
    }

    @Test
    void theWorkersFileBindsAsShippedAndWithEveryDefaultWrittenOut() throws Exception {
        String yaml = Stage.workerYaml();
        WorkerConfig shipped = bind(WorkerConfig.BINDER, yaml, "worker.yaml");
        assertThat(shipped.dataDir).isEqualTo(Path.of("/var/lib/agentd/worker"));
        assertThat(shipped.servers).hasSize(1);
        List<ConfigKey> keys = WorkerConfig.BINDER.keys();
        for (ConfigKey k : keys) {
            if (!k.name().equals("data-dir") && !k.name().equals("servers")) {
                assertThat(yaml).as(k.name()).contains("#" + k.name() + ":");
            }
        }
        WorkerConfig written = bind(WorkerConfig.BINDER, uncommented(yaml, keys), "worker-all.yaml");
        assertThat(written.slots).isEqualTo(new WorkerConfig().slots);
    }

    @Test
    void aDefaultInWordsStaysAComment() {
        assertThat(Stage.workerYaml()).contains("#worker-id:\n").doesNotContain("#worker-id: from")
                .contains("default: from the");
    }

    @Test
    void debianVersionsSortASnapshotBeforeItsRelease() {
        assertThat(Stage.debianVersion("0.1.0-SNAPSHOT")).isEqualTo("0.1.0~SNAPSHOT");
        assertThat(Stage.debianVersion("0.1.0")).isEqualTo("0.1.0");
    }
}
