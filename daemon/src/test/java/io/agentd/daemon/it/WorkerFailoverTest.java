package io.agentd.daemon.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
        Path pids = Files.createDirectories(dir.resolve("pids"));
        try (TwoWorkers t = TwoWorkers.start(dir, 3000, "wa", "wb", 20, "1s", false, 20,
                i -> "{\"name\":\"f" + i + "\",\"spec\":{\"command\":\"/bin/sh\",\"args\":[\"-c\","
                        + "\"echo $$ > " + pids + "/$AGENTD_AGENT_NAME-$AGENTD_FENCING_TOKEN; exec sleep 600\"],"
                        + "\"restart\":\"always\"}}")) {
            try {
                // All 20 running at once (a lease that lapsed on a starved machine restarts them meanwhile).
                await().atMost(Duration.ofSeconds(30)).until(() -> pidFiles(pids).size() == 20
                        && pidFiles(pids).stream().map(WorkerFailoverTest::readPid).allMatch(WorkerFailoverTest::alive));
                List<Long> oldPids = pidFiles(pids).stream().map(WorkerFailoverTest::readPid).toList();
                assertThat(oldPids).allMatch(WorkerFailoverTest::alive);

                long killedAt = System.nanoTime();
                t.a.kill();
                // The watchdogs see their pipe close: no agent of the dead worker survives it for long.
                await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(50))
                        .until(() -> oldPids.stream().noneMatch(WorkerFailoverTest::alive));
                // Within TTL + 2 s every agent runs on the other worker with a larger token.
                await().atMost(Duration.ofMillis(t.ttlMs + 2000)).pollInterval(Duration.ofMillis(100))
                        .until(() -> t.running("wb") == 20);
                long tookMs = Duration.ofNanos(System.nanoTime() - killedAt).toMillis();
                for (JsonNode ag : t.http.get("/v1/namespaces/default/agents").json()) {
                    assertThat(ag.path("fencingToken").asLong()).isGreaterThan(t.tokensOnA.get(ag.path("name").asText()));
                }
                assertThat(oldPids).noneMatch(WorkerFailoverTest::alive);
                System.out.println("failover of 20 agents took " + tookMs + " ms (TTL " + t.ttlMs + " ms)");

                // SIGTERM of the surviving worker stops its agents and exits 0 in bounded time.
                await().atMost(Duration.ofSeconds(30)).until(() -> pidFiles(pids).size() == 40);
                List<Long> newPids = pidFiles(pids).stream().map(WorkerFailoverTest::readPid)
                        .filter(p -> !oldPids.contains(p)).toList();
                assertThat(t.b.terminate(20)).as("worker exits 0 on SIGTERM").isTrue();
                assertThat(newPids).noneMatch(WorkerFailoverTest::alive);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(e.getMessage() + t.logs(), e);
            }
        }
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
