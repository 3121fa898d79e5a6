package io.agentd.daemon.it;

import io.agentd.statemachine.FeatureLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code agentd dev} as a newcomer starts it: a new registry is at this build's highest feature
 * level, so what the newest level brings (providers) works at once; started again on the same
 * data, it keeps the level it has.
 */
class DevModeTest {
    @TempDir
    Path dir;

    @Test
    void aNewDevRegistryStartsAtTheHighestFeatureLevel() throws Exception {
        int http = Ports.free();
        int raft = Ports.free();
        List<String> cmd = ChildJvm.agentd("256m", "dev", "--data-dir", dir.resolve("data").toString(),
                "--http-addr", "127.0.0.1:" + http, "--raft-addr", "127.0.0.1:" + raft);
        for (int run = 0; run < 2; run++) {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("dev.log").toFile())).start();
            try {
                Http api = new Http("http://127.0.0.1:" + http);
                await("dev at level " + FeatureLevel.MAX_SUPPORTED).atMost(Cluster.eventually())
                        .ignoreExceptions().until(() -> api.get("/v1/cluster/status").json().path("featureLevel").asInt()
                                == FeatureLevel.MAX_SUPPORTED);
                if (run == 0) {
                    Http.Answer provider = api.put("/v1/providers/openai", "{\"requestsPerMinute\":60}");
                    assertThat(provider.status()).as(provider.body()).isEqualTo(201);
                } else {
                    assertThat(api.get("/v1/providers/openai").status()).as("kept across a restart").isEqualTo(200);
                }
            } finally {
                p.destroy();
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }
}
