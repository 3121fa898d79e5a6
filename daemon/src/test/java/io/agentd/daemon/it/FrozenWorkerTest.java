package io.agentd.daemon.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A worker whose JVM is frozen (SIGSTOP) past its TTL: its agents are killed by their
 * watchdogs before the coordinators hand them on, run elsewhere without overlap, and the
 * resumed JVM starts nothing stale. Every agent appends "token worker millis" to a run log
 * ten times a second; the check looks for two workers' lines interleaving in time.
 */
class FrozenWorkerTest {
    @TempDir
    Path dir;

    private static void signal(String sig, long pid) throws Exception {
        Process p = new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).inheritIO().start();
        assertThat(p.waitFor()).isZero();
    }

    @Test
    void aFrozenWorkersAgentsAreFencedBeforeTheyRunElsewhere() throws Exception {
        long ttlMs = 3000;
        Path runlog = Files.createDirectories(dir.resolve("runlog"));
        try (Cluster c = new Cluster(dir, 1, List.of("--worker-ttl", ttlMs + "ms"))) {
            ServerProcess server = c.get(0).start();
            List<String> args = List.of("--slots", "10", "--heartbeat-interval", "300ms", "--fence-margin", "1s",
                    "--stop-grace", "500ms");
            try (WorkerProcess a = new WorkerProcess("fa", dir.resolve("fa"), server.url(), args);
                 WorkerProcess b = new WorkerProcess("fb", dir.resolve("fb"), server.url(), args)) {
                long stoppedAt = 0;
                try {
                    await().atMost(Cluster.eventually()).until(server::ready);
                    Http http = new Http(server.url());
                    a.start();
                    await().atMost(Cluster.eventually()).until(() -> http.get("/v1/workers/fa").status() == 200);
                    for (int i = 0; i < 5; i++) {
                        String body = "{\"name\":\"z" + i + "\",\"spec\":{\"command\":\"/bin/bash\",\"args\":[\"-c\",\""
                                + RunLog.agentScript(runlog) + "\"]}}";
                        assertThat(http.post("/v1/namespaces/default/agents", body).status()).isEqualTo(201);
                    }
                    b.start();
                    await().atMost(Cluster.eventually()).until(() -> http.get("/v1/workers/fb").status() == 200);
                    await().atMost(Cluster.eventually()).until(() -> count(http, "fa") == 5);
                    Map<String, Long> tokens = new HashMap<>();
                    for (JsonNode ag : http.get("/v1/namespaces/default/agents").json()) {
                        tokens.put(ag.path("name").asText(), ag.path("fencingToken").asLong());
                    }

                    signal("STOP", a.pid());
                    stoppedAt = System.currentTimeMillis();
                    await().atMost(Duration.ofMillis(ttlMs + 5000)).pollInterval(Duration.ofMillis(100))
                            .until(() -> count(http, "fb") == 5);
                    // Let the new instances write for a while, then wake the frozen JVM.
                    Thread.sleep(1000);
                    signal("CONT", a.pid());
                    stoppedAt = 0;
                    // The resumed worker learns its lease is gone and registers again with nothing to run.
                    await().atMost(Cluster.eventually()).until(() -> a.log().contains("registering again")
                            || a.log().contains("fenced"));
                    Thread.sleep(1500); // a window in which a stale start would show in the run logs

                    for (int i = 0; i < 5; i++) {
                        String name = "z" + i;
                        assertThat(RunLog.violation(runlog.resolve(name))).as(name).isNull();
                        List<long[]> lines = parse(Files.readAllLines(runlog.resolve(name)));
                        long old = tokens.get(name);
                        long lastOld = lines.stream().filter(l -> l[0] == old).mapToLong(l -> l[1]).max().orElseThrow();
                        long firstNew = lines.stream().filter(l -> l[0] > old).mapToLong(l -> l[1]).min().orElseThrow();
                        assertThat(lastOld).as(name + ": the old instance stopped before the new one started")
                                .isLessThan(firstNew);
                        assertThat(lines.stream().filter(l -> l[0] == old && l[1] > firstNew).count())
                                .as(name + ": nothing stale ran after the handover").isZero();
                        assertThat(lines.stream().filter(l -> l[0] > old).map(l -> l[2]).distinct().toList())
                                .as(name + ": new instance only on fb").containsExactly(2L);
                    }
                } catch (AssertionError | RuntimeException e) {
                    throw new AssertionError(e.getMessage() + c.logs() + "\n===== fa =====\n" + a.log()
                            + "\n===== fb =====\n" + b.log(), e);
                } finally {
                    if (stoppedAt != 0) {
                        signal("CONT", a.pid());
                    }
                }
            }
        }
    }

    /** Lines "token worker millis" as {token, millis, 1 for fa / 2 for fb}. */
    private static List<long[]> parse(List<String> lines) {
        List<long[]> out = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.trim().split(" ");
            if (f.length == 3) {
                out.add(new long[] {Long.parseLong(f[0]), Long.parseLong(f[2]), f[1].equals("fa") ? 1 : 2});
            }
        }
        return out;
    }

    private static int count(Http http, String worker) {
        return http.get("/v1/agents?worker=" + worker + "&state=running").json().size();
    }
}
