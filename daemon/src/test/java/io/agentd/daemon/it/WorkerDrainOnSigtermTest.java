package io.agentd.daemon.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A worker configured (by its config file) to drain on SIGTERM: its agents migrate to the other
 * worker, each handing over its checkpoint, then it exits 0 with none of its agents' processes
 * left; started again on the same data dir it takes placements again.
 */
class WorkerDrainOnSigtermTest {
    @TempDir
    Path dir;

    @Test
    void sigtermDrainsTheAgentsToAnotherWorkerThenExitsZero() throws Exception {
        Path pids = Files.createDirectories(dir.resolve("pids"));
        Path conf = dir.resolve("worker.yaml");
        Files.writeString(conf, """
                slots: 10
                heartbeat-interval: 300ms
                stop-grace: 1s
                on-sigterm: drain
                drain-timeout: 40s
                drain-parallel: 2
                label:
                  role: first
                """);
        try (Cluster c = new Cluster(dir, 1, List.of("--worker-ttl", "5s"))) {
            ServerProcess server = c.get(0).start();
            try (WorkerProcess a = new WorkerProcess("wa", dir.resolve("wa"), server.url(),
                    List.of("--config", conf.toString()));
                 WorkerProcess b = new WorkerProcess("wb", dir.resolve("wb"), server.url(),
                         List.of("--slots", "10", "--heartbeat-interval", "300ms"))) {
                try {
                    await().atMost(Cluster.eventually()).until(server::ready);
                    Http http = new Http(server.url());
                    a.start();
                    await().atMost(Cluster.eventually()).until(() -> http.get("/v1/workers/wa").status() == 200);
                    assertThat(http.get("/v1/workers/wa").json().path("labels").path("role").asText())
                            .as("labels from the config file").isEqualTo("first");
                    for (int i = 0; i < 4; i++) {
                        // Each instance records its pid and the checkpoint it started with, then saves one.
                        String body = "{\"name\":\"d" + i + "\",\"spec\":{\"command\":\"/bin/sh\",\"args\":[\"-c\","
                                + "\"echo $$ > " + pids + "/$AGENTD_AGENT_NAME-$AGENTD_FENCING_TOKEN; "
                                + "echo \\\"$AGENTD_WORKER_ID ${AGENTD_CHECKPOINT:-none}\\\" >> " + dir
                                + "/runs-$AGENTD_AGENT_NAME; curl -sf -X PUT -H \\\"Authorization: Bearer "
                                + "$AGENTD_AGENT_SECRET\\\" --data-binary from-$AGENTD_WORKER_ID "
                                + "$AGENTD_LOCAL_API/v1/self/checkpoint; exec sleep 600\"]}}";
                        assertThat(http.post("/v1/namespaces/default/agents", body).status()).isEqualTo(201);
                    }
                    await().atMost(Cluster.eventually()).until(() -> count(http, "wa") == 4);
                    await().atMost(Cluster.eventually()).until(() -> checkpoints(http) == 4);
                    b.start();
                    await().atMost(Cluster.eventually()).until(() -> http.get("/v1/workers/wb").status() == 200);
                    List<Long> oldPids = WorkerFailoverTest.pidFiles(pids).stream().map(WorkerFailoverTest::readPid)
                            .toList();
                    assertThat(oldPids).hasSize(4);

                    assertThat(a.terminate(60)).as("the draining worker exits 0 on SIGTERM").isTrue();
                    assertThat(http.get("/v1/agents?worker=wa").json().size()).as("nothing left on wa").isZero();
                    await().atMost(Cluster.eventually()).until(() -> count(http, "wb") == 4);
                    assertThat(oldPids).noneMatch(WorkerFailoverTest::alive);
                    for (int i = 0; i < 4; i++) {
                        JsonNode ag = http.get("/v1/namespaces/default/agents/d" + i).json();
                        assertThat(ag.path("history").get(0).path("outcome").asText()).isEqualTo("migrating off wa");
                        Path runs = dir.resolve("runs-d" + i);
                        await().atMost(Cluster.eventually()).until(() -> Files.readAllLines(runs).size() == 2);
                        assertThat(Files.readAllLines(runs)).containsExactly("wa none", "wb from-wa");
                    }
                    assertThat(a.log()).contains("draining before exit", "drained: no agent is left here");

                    // Back on the same data dir, the worker undoes its own drain and takes agents again.
                    a.start();
                    await().atMost(Cluster.eventually())
                            .until(() -> "ready".equals(http.get("/v1/workers/wa").json().path("state").asText()));
                    // The worker deletes its marker once the undrain was answered, so just after "ready".
                    await().atMost(Cluster.eventually())
                            .until(() -> !Files.exists(dir.resolve("wa").resolve("drained-at-shutdown")));
                } catch (AssertionError | RuntimeException e) {
                    throw new AssertionError(e.getMessage() + c.logs() + "\n===== wa =====\n" + a.log()
                            + "\n===== wb =====\n" + b.log(), e);
                }
            }
        }
    }

    private static int count(Http http, String worker) {
        return http.get("/v1/agents?worker=" + worker + "&state=running").json().size();
    }

    private static int checkpoints(Http http) {
        int n = 0;
        for (JsonNode ag : http.get("/v1/namespaces/default/agents").json()) {
            n += ag.path("checkpointRevision").isNull() ? 0 : 1;
        }
        return n;
    }
}
