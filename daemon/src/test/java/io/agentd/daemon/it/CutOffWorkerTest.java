package io.agentd.daemon.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

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
        Path runlog = Files.createDirectories(dir.resolve("runlog"));
        try (TwoWorkers t = TwoWorkers.start(dir, 3000, "ca", "cb", 10, "500ms", true, 5,
                i -> RunLog.spawnBody("k" + i, runlog))) {
            try {
                t.link.cut();
                await().atMost(Duration.ofMillis(t.ttlMs + 5000)).pollInterval(Duration.ofMillis(100))
                        .until(() -> t.running("cb") == 5);
                assertThat(t.a.log()).contains("no lease renewal");
                // Its agents were handed on, so its lease was expired: down until it registers again.
                assertThat(t.state("ca")).isEqualTo("down");
                // The new instances write for a while; then the link heals.
                await().atMost(Cluster.eventually()).until(() -> linesOnCb(runlog) >= 5 * 5);
                t.link.heal();
                await().atMost(Cluster.eventually()).until(() -> "ready".equals(t.state("ca")));
                // A window in which a stale start on ca would show in the run logs.
                long healedLines = linesOnCb(runlog);
                await().atMost(Cluster.eventually()).until(() -> linesOnCb(runlog) >= healedLines + 5 * 10);

                for (int i = 0; i < 5; i++) {
                    String name = "k" + i;
                    Path file = runlog.resolve(name);
                    assertThat(RunLog.violation(file)).as(name).isNull();
                    List<RunLog.Instance> runs = RunLog.read(file);
                    assertThat(runs).extracting(RunLog.Instance::worker).containsExactly("ca", "cb");
                    assertThat(runs.get(0).token()).isEqualTo(t.tokensOnA.get(name));
                    assertThat(runs.get(1).token()).isGreaterThan(t.tokensOnA.get(name));
                }
                assertThat(t.running("ca")).isZero();
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(e.getMessage() + t.logs(), e);
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
}
