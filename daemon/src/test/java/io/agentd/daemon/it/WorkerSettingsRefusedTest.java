package io.agentd.daemon.it;

import io.agentd.daemon.CoordinatorNode;
import io.agentd.worker.WorkerConfig;
import io.agentd.worker.WorkerDaemon;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A worker whose settings the coordinators refuse (here a label value with a comma, given as a
 * YAML mapping) is told why, naming the label, and stops instead of asking again forever.
 */
class WorkerSettingsRefusedTest {
    @TempDir
    Path dir;

    @Test
    void aLabelTheCoordinatorsRefuseEndsTheWorkerWithTheirReason() throws Exception {
        CoordinatorNode node = DevNode.start(dir.resolve("server"));
        try {
            WorkerConfig wc = new WorkerConfig();
            wc.servers = List.of(URI.create(DevNode.url(node)));
            wc.workerId = "labelled";
            wc.dataDir = dir.resolve("worker");
            wc.address = "127.0.0.1:0";
            wc.labels = Map.of("team", "search,ranking");
            WorkerDaemon w = WorkerDaemon.start(wc.validate());
            try {
                String why = w.cannotRun().get(Cluster.eventually().toSeconds(), TimeUnit.SECONDS);
                assertThat(why).contains("refuse this worker's settings").contains("labels.team")
                        .contains("'search,ranking'");
                assertThat(new Http(DevNode.url(node)).get("/v1/workers/labelled").status()).isEqualTo(404);
            } finally {
                w.close();
            }
        } finally {
            node.close();
        }
    }
}
