package io.agentd.daemon.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A worker cut off from the coordinators (all its traffic to them dropped, its JVM running on):
 * it fences its agents before the coordinators hand them to another worker, the run logs show no
 * overlap, and once the traffic flows again it registers anew and starts nothing stale.
 */
class CutOffWorkerTest {
    @TempDir
    Path dir;

    @Test
    void aCutOffWorkerFencesItselfBeforeItsAgentsRunElsewhere() throws Exception {
        long ttlMs = 3000;
        Path runlog = Files.createDirectories(dir.resolve("runlog"));
        try (Cluster c = new Cluster(dir, 1, List.of("--worker-ttl", ttlMs + "ms"))) {
            ServerProcess server = c.get(0).start();
            List<String> args = List.of("--slots", "10", "--heartbeat-interval", "300ms", "--fence-margin", "1s",
                    "--stop-grace", "500ms");
            await().atMost(Cluster.eventually()).until(server::ready);
            try (BlackholeProxy link = new BlackholeProxy(server.httpPort);
                 WorkerProcess a = new WorkerProcess("ca", dir.resolve("ca"), link.url(), args);
                 WorkerProcess b = new WorkerProcess("cb", dir.resolve("cb"), server.url(), args)) {
                try {
                    Http http = new Http(server.url());
                    a.start();
                    await().atMost(Cluster.eventually()).until(() -> http.get("/v1/workers/ca").status() == 200);
                    for (int i = 0; i < 5; i++) {
                        String body = "{\"name\":\"k" + i + "\",\"spec\":{\"command\":\"/bin/bash\",\"args\":[\"-c\",\""
                                + RunLog.agentScript(runlog) + "\"]}}";
                        assertThat(http.post("/v1/namespaces/default/agents", body).status()).isEqualTo(201);
                    }
                    b.start();
                    await().atMost(Cluster.eventually()).until(() -> http.get("/v1/workers/cb").status() == 200);
                    await().atMost(Cluster.eventually()).until(() -> count(http, "ca") == 5);
                    Map<String, Long> tokens = new HashMap<>();
                    for (JsonNode ag : http.get("/v1/namespaces/default/agents").json()) {
                        tokens.put(ag.path("name").asText(), ag.path("fencingToken").asLong());
                    }

                    link.cut();
                    await().atMost(Duration.ofMillis(ttlMs + 5000)).pollInterval(Duration.ofMillis(100))
                            .until(() -> count(http, "cb") == 5);
                    assertThat(a.log()).contains("no lease renewal");
                    // The new instances write for a while; then the link heals.
                    await().atMost(Cluster.eventually()).until(() -> linesOnCb(runlog) >= 5 * 5);
                    link.heal();
                    assertThat(http.get("/v1/workers/ca").json().path("state").asText()).isEqualTo("down");
                    await().atMost(Cluster.eventually())
                            .until(() -> "ready".equals(http.get("/v1/workers/ca").json().path("state").asText()));
                    // A window in which a stale start on ca would show in the run logs.
                    long healedLines = linesOnCb(runlog);
                    await().atMost(Cluster.eventually()).until(() -> linesOnCb(runlog) >= healedLines + 5 * 10);

                    for (int i = 0; i < 5; i++) {
                        String name = "k" + i;
                        Path file = runlog.resolve(name);
                        assertThat(RunLog.violation(file)).as(name).isNull();
                        List<RunLog.Instance> runs = RunLog.read(file);
                        assertThat(runs).extracting(RunLog.Instance::worker).containsExactly("ca", "cb");
                        assertThat(runs.get(0).token()).isEqualTo(tokens.get(name));
                        assertThat(runs.get(1).token()).isGreaterThan(tokens.get(name));
                    }
                    assertThat(count(http, "ca")).isZero();
                } catch (AssertionError | RuntimeException e) {
                    throw new AssertionError(e.getMessage() + c.logs() + "\n===== ca =====\n" + a.log()
                            + "\n===== cb =====\n" + b.log(), e);
                }
            }
        }
    }

    private static long linesOnCb(Path runlog) throws Exception {
        long n = 0;
        for (int i = 0; i < 5; i++) {
            Path f = runlog.resolve("k" + i);
            if (Files.exists(f)) {
                n += Files.readAllLines(f).stream().filter(l -> l.contains(" cb ")).count();
            }
        }
        return n;
    }

    private static int count(Http http, String worker) {
        return http.get("/v1/agents?worker=" + worker + "&state=running").json().size();
    }
}
