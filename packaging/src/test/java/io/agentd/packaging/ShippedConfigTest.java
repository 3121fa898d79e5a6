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

    /**
     * The YAML block of docs/operations.md whose first line is {@code # <file> on <host>}, its
     * {@code /etc/agentd/} under the test's directory, where the files it names exist.
     */
    private String documented(String file) throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "operations.md"));
        int at = doc.indexOf("```yaml\n# " + file + " on ");
        assertThat(at).as("a YAML block for " + file + " in docs/operations.md").isNotNegative();
        int start = at + "```yaml\n".length();
        String etc = dir.resolve("etc") + "/";
        // as the doc's "agentd tls init --servers n1,n2,n3 --hosts 10.0.0.1,..." writes them
        new io.agentd.daemon.tls.ClusterCertificates(java.time.Instant.now())
                .write(Path.of(etc, "tls"), List.of("n1", "n2", "n3"), List.of("10.0.0.1", "10.0.0.2", "10.0.0.3"));
        Files.writeString(Path.of(etc, "bootstrap-token"), "a".repeat(44));
        Files.writeString(Path.of(etc, "w1.token"), "w1.secret");
        return doc.substring(start, doc.indexOf("```", start)).replace("/etc/agentd/", etc);
    }

    @Test
    void theFirstClusterUnderSystemdInTheOperationsDocBinds() throws Exception {
        ServerConfig server = bind(ServerConfig.SERVER, documented("/etc/agentd/agentd.yaml"), "doc-agentd.yaml");
        assertThat(server.nodeId).isEqualTo("n1");
        assertThat(server.peers).containsOnlyKeys("n1", "n2", "n3");
        assertThat(server.peerHttp).containsOnlyKeys("n1", "n2", "n3");
        assertThat(server.tlsCert).isEqualTo(dir.resolve("etc/tls/n1.pem"));
        assertThat(server.bootstrapTokenFile).isEqualTo(dir.resolve("etc/bootstrap-token"));

        WorkerConfig worker = bind(WorkerConfig.BINDER, documented("/etc/agentd/worker.yaml"), "doc-worker.yaml");
        assertThat(worker.servers).hasSize(3);
        assertThat(worker.workerId).isEqualTo("w1");
        assertThat(worker.tokenFile).isEqualTo(dir.resolve("etc/w1.token"));
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
