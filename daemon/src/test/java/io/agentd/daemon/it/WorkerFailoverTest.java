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
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * kill -9 of a worker that runs 20 agents: all 20 run on the other worker within TTL + 2 s,
 * each with a larger fencing token, and no process of the killed worker's agents is left.
 */
class WorkerFailoverTest {
    @TempDir
    Path dir;

    @Test
    void killNineOfAWorkerMovesItsAgentsWithinTheTtlAndLeavesNoOrphans() throws Exception {
        long ttlMs = 3000;
        Path pids = Files.createDirectories(dir.resolve("pids"));
        try (Cluster c = new Cluster(dir, 1, List.of("--worker-ttl", ttlMs + "ms"))) {
            ServerProcess server = c.get(0).start();
            List<String> workerArgs = List.of("--slots", "20", "--heartbeat-interval", "300ms", "--fence-margin", "1s",
                    "--stop-grace", "1s");
            try (WorkerProcess a = new WorkerProcess("wa", dir.resolve("wa"), server.url(), workerArgs);
                 WorkerProcess b = new WorkerProcess("wb", dir.resolve("wb"), server.url(), workerArgs)) {
                try {
                    await().atMost(Cluster.eventually()).until(server::ready);
                    Http http = new Http(server.url());
                    a.start();
                    await().atMost(Cluster.eventually()).until(() -> http.get("/v1/workers/wa").status() == 200);
                    for (int i = 0; i < 20; i++) {
                        String body = "{\"name\":\"f" + i + "\",\"spec\":{\"command\":\"/bin/sh\",\"args\":[\"-c\","
                                + "\"echo $$ > " + pids + "/$AGENTD_AGENT_NAME-$AGENTD_FENCING_TOKEN; exec sleep 600\"],"
                                + "\"restart\":\"always\"}}";
                        assertThat(http.post("/v1/namespaces/default/agents", body).status()).isEqualTo(201);
                    }
                    b.start();
                    await().atMost(Cluster.eventually()).until(() -> http.get("/v1/workers/wb").status() == 200);
                    await().atMost(Cluster.eventually()).until(() -> count(http, "wa", "running") == 20);
                    Map<String, Long> tokens = new HashMap<>();
                    for (JsonNode ag : http.get("/v1/namespaces/default/agents").json()) {
                        tokens.put(ag.path("name").asText(), ag.path("fencingToken").asLong());
                    }
                    await().atMost(Duration.ofSeconds(30)).until(() -> pidFiles(pids).size() == 20);
                    List<Long> oldPids = pidFiles(pids).stream().map(WorkerFailoverTest::readPid).toList();
                    assertThat(oldPids).allMatch(WorkerFailoverTest::alive);

                    long killedAt = System.nanoTime();
                    a.kill();
                    // The watchdogs see their pipe close: no agent of the dead worker survives it for long.
                    await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(50))
                            .until(() -> oldPids.stream().noneMatch(WorkerFailoverTest::alive));
                    // Within TTL + 2 s every agent runs on the other worker with a larger token.
                    await().atMost(Duration.ofMillis(ttlMs + 2000)).pollInterval(Duration.ofMillis(100))
                            .until(() -> count(http, "wb", "running") == 20);
                    long tookMs = Duration.ofNanos(System.nanoTime() - killedAt).toMillis();
                    for (JsonNode ag : http.get("/v1/namespaces/default/agents").json()) {
                        assertThat(ag.path("fencingToken").asLong()).isGreaterThan(tokens.get(ag.path("name").asText()));
                    }
                    assertThat(oldPids).noneMatch(WorkerFailoverTest::alive);
                    System.out.println("failover of 20 agents took " + tookMs + " ms (TTL " + ttlMs + " ms)");

                    // SIGTERM of the surviving worker stops its agents and exits 0 in bounded time.
                    await().atMost(Duration.ofSeconds(30)).until(() -> pidFiles(pids).size() == 40);
                    List<Long> newPids = pidFiles(pids).stream().map(WorkerFailoverTest::readPid)
                            .filter(p -> !oldPids.contains(p)).toList();
                    assertThat(b.terminate(20)).as("worker exits 0 on SIGTERM").isTrue();
                    assertThat(newPids).noneMatch(WorkerFailoverTest::alive);
                } catch (AssertionError | RuntimeException e) {
                    throw new AssertionError(e.getMessage() + c.logs() + "\n===== wa =====\n" + a.log()
                            + "\n===== wb =====\n" + b.log(), e);
                }
            }
        }
    }

    private static int count(Http http, String worker, String state) {
        int n = 0;
        for (JsonNode ag : http.get("/v1/agents?worker=" + worker + "&state=" + state).json()) {
            n++;
        }
        return n;
    }

    static List<Path> pidFiles(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> {
                try {
                    return Files.size(p) > 0;
                } catch (java.io.IOException e) {
                    return false;
                }
            }).toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static long readPid(Path f) {
        try {
            return Long.parseLong(Files.readString(f).trim());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)
                && !isZombie(pid);
    }

    private static boolean isZombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (java.io.IOException e) {
            return true;
        }
    }
}
