package io.agentd.daemon.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

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
        Path runlog = Files.createDirectories(dir.resolve("runlog"));
        try (TwoWorkers t = TwoWorkers.start(dir, 3000, "fa", "fb", 10, "500ms", false, 5,
                i -> RunLog.spawnBody("z" + i, runlog))) {
            boolean frozen = false;
            try {
                signal("STOP", t.a.pid());
                frozen = true;
                await().atMost(Duration.ofMillis(t.ttlMs + 5000)).pollInterval(Duration.ofMillis(100))
                        .until(() -> t.running("fb") == 5);
                // Let the new instances write for a while, then wake the frozen JVM.
                long resumeAfter = System.nanoTime() + 1_000_000_000L;
                await().atMost(Duration.ofSeconds(30)).until(() -> System.nanoTime() > resumeAfter
                        && linesOn(runlog, "fb") >= 5);
                signal("CONT", t.a.pid());
                frozen = false;
                // The resumed worker learns its lease is gone and registers again with nothing to run.
                await().atMost(Cluster.eventually()).until(() -> t.a.log().contains("registering again")
                        || t.a.log().contains("fenced"));
                // A window in which a stale start would show in the run logs.
                long seen = linesOn(runlog, "fb");
                await().atMost(Cluster.eventually()).until(() -> linesOn(runlog, "fb") >= seen + 5 * 15);

                for (int i = 0; i < 5; i++) {
                    String name = "z" + i;
                    assertThat(RunLog.violation(runlog.resolve(name))).as(name).isNull();
                    List<long[]> lines = parse(Files.readAllLines(runlog.resolve(name)));
                    long old = t.tokensOnA.get(name);
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
                throw new AssertionError(e.getMessage() + t.logs(), e);
            } finally {
                if (frozen) {
                    signal("CONT", t.a.pid());
                }
            }
        }
    }

    /** Lines the agents wrote from {@code worker}. */
    private static long linesOn(Path runlog, String worker) throws Exception {
        long n = 0;
        for (int i = 0; i < 5; i++) {
            Path f = runlog.resolve("z" + i);
            if (Files.exists(f)) {
                n += Files.readAllLines(f).stream().filter(l -> l.contains(" " + worker + " ")).count();
            }
        }
        return n;
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
}
