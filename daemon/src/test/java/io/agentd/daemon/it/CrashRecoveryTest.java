package io.agentd.daemon.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** kill -9 a server under write load; after a restart every acknowledged write is there. */
class CrashRecoveryTest {
    @TempDir
    Path dir;

    @Test
    void killNineUnderWriteLoadLosesNoAcknowledgedWrite() throws Exception {
        // A small snapshot threshold, so the restart opens a snapshot and replays a log tail.
        try (Cluster c = new Cluster(dir, 1, List.of("--snapshot-threshold", "50"))) {
            ServerProcess s = c.get(0).start();
            try {
                await().atMost(Cluster.eventually()).until(s::ready);
                Set<String> acked = ConcurrentHashMap.newKeySet();
                AtomicBoolean run = new AtomicBoolean(true);
                AtomicInteger counter = new AtomicInteger();
                List<Thread> writers = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    Thread th = new Thread(() -> {
                        Http h = new Http(s.url());
                        long end = System.nanoTime() + 120_000_000_000L;
                        while (run.get() && System.nanoTime() < end) {
                            String key = "k" + counter.incrementAndGet();
                            try {
                                Http.Answer a = h.post("/v1/namespaces", "{\"name\":\"" + key + "\"}");
                                if (a.status() == 201) {
                                    acked.add(key);
                                }
                            } catch (RuntimeException e) {
                                // the server died under us: not acknowledged
                            }
                        }
                    });
                    th.start();
                    writers.add(th);
                }
                // Enough writes that snapshots were taken: the restart opens one and replays a log tail.
                await().atMost(Cluster.eventually()).until(() -> acked.size() >= 300
                        && java.nio.file.Files.readString(s.dataDir.resolve("agentd.log")).contains("took snapshot"));
                s.kill();
                run.set(false);
                for (Thread th : writers) {
                    th.join(60_000);
                }

                s.start();
                await().atMost(Cluster.eventually()).until(s::ready);
                String log = java.nio.file.Files.readString(s.dataDir.resolve("agentd.log"));
                String restart = log.substring(log.lastIndexOf("initialized at applied")).lines().findFirst().orElseThrow();
                assertThat(restart).as("the restart started from a snapshot").doesNotContain("snapshot none");
                Http.Answer list = new Http(s.url()).get("/v1/namespaces");
                Set<String> names = ConcurrentHashMap.newKeySet();
                list.json().forEach(n -> names.add(n.path("name").asText()));
                assertThat(names).containsAll(acked);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(e.getMessage() + c.logs(), e);
            }
        }
    }
}
