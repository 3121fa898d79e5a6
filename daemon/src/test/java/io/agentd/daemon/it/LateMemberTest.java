package io.agentd.daemon.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A member started late, while the other two are under write load and have taken
 * snapshots and purged their logs, catches up (by snapshot install, then the log).
 */
class LateMemberTest {
    @TempDir
    Path dir;

    @Test
    void aMemberStartedLateUnderWriteLoadCatchesUp() throws Exception {
        try (Cluster c = new Cluster(dir, 3, List.of("--snapshot-threshold", "100", "--log-entries-preserved", "50",
                "--log-segment-bytes", "65536"))) {
            c.get(0).start();
            c.get(1).start();
            try {
                await().atMost(Cluster.eventually()).until(() -> c.get(0).ready() && c.get(1).ready());
                AtomicBoolean run = new AtomicBoolean(true);
                AtomicInteger acked = new AtomicInteger();
                List<Thread> writers = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    ServerProcess target = c.get(t % 2);
                    int tid = t;
                    Thread th = new Thread(() -> {
                        Http h = new Http(target.url());
                        long end = System.nanoTime() + 180_000_000_000L;
                        int i = 0;
                        while (run.get() && System.nanoTime() < end) {
                            try {
                                Http.Answer a = h.post("/v1/namespaces", "{\"name\":\"t" + tid + "-" + (i++) + "\"}");
                                if (a.status() == 201) {
                                    acked.incrementAndGet();
                                }
                            } catch (RuntimeException e) {
                                // keep going
                            }
                        }
                    });
                    th.start();
                    writers.add(th);
                }
                // Enough entries for several snapshots and log purges before the third member starts.
                await().atMost(Cluster.eventually()).until(() -> acked.get() >= 600);
                ServerProcess late = c.get(2).start();
                try {
                    // It becomes ready (has applied up to the leader's commit index) while the load goes on.
                    await().atMost(Duration.ofSeconds(120)).until(late::ready);
                } finally {
                    run.set(false);
                    for (Thread th : writers) {
                        th.join(60_000);
                    }
                }
                long leaderRevision = new Http(c.get(0).url()).get("/v1/namespaces").revision();
                await().atMost(Cluster.eventually()).ignoreExceptions().untilAsserted(() -> {
                    Http.Answer a = new Http(late.url()).get("/v1/namespaces?stale=true");
                    assertThat(a.revision()).isGreaterThanOrEqualTo(leaderRevision);
                    assertThat(a.json().size()).isEqualTo(new Http(c.get(0).url()).get("/v1/namespaces?stale=true").json().size());
                });
                assertThat(late.log()).as("caught up through a snapshot install").contains("installed a snapshot from the leader");
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(e.getMessage() + c.logs(), e);
            }
        }
    }
}
