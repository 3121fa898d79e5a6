package io.agentd.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentd.statemachine.store.AppliedIndex;
import io.agentd.statemachine.store.Table;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Commits survive a real SIGKILL of the process that made them, and land whole. */
class KillNineTest {
    private static final int LINES_BEFORE_KILL = 300;

    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aKillNineLosesNoReturnedCommitAndNoHalfBatch() throws Exception {
        Path dir = tmp.resolve("db");
        Path stderr = tmp.resolve("child.stderr");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-Xmx128m", "-XX:+UseSerialGC",
                        "-cp", System.getProperty("java.class.path"),
                        CommitLoop.class.getName(), dir.toString())
                .redirectError(stderr.toFile())
                .start();

        AtomicLong lastPrinted = new AtomicLong();
        CountDownLatch enough = new CountDownLatch(LINES_BEFORE_KILL);
        // Keeps draining after the count is reached, so the child is killed while committing,
        // not while blocked on a full pipe; lines that arrive before the kill still count.
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    long index = Long.parseLong(line.trim());
                    lastPrinted.accumulateAndGet(index, Math::max);
                    enough.countDown();
                }
            } catch (IOException | NumberFormatException e) {
                // The pipe breaks or a line is cut by the kill: what was read so far stands.
            }
        }, "child-stdout");
        reader.setDaemon(true);
        reader.start();
        try {
            boolean printed = enough.await(90, TimeUnit.SECONDS);
            assertThat(printed).as("child printed %d commits in time; stderr: %s",
                    LINES_BEFORE_KILL, Files.exists(stderr) ? Files.readString(stderr) : "").isTrue();
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("child died after SIGKILL").isTrue();
        }
        reader.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(reader.isAlive()).isFalse();
        assertThat(child.exitValue()).as("killed by SIGKILL, not exited").isEqualTo(128 + 9);

        long printed = lastPrinted.get();
        try (RocksStore store = RocksStore.open(dir)) {
            AppliedIndex applied = store.applied();
            assertThat(applied.index()).isGreaterThanOrEqualTo(printed);
            long last = applied.index();
            for (long i = 1; i <= last; i++) {
                assertThat(store.get(Table.ENTITIES, CommitLoop.key(i))).as("entity %d", i).isEqualTo(CommitLoop.value(i));
                assertThat(store.get(Table.AUDIT, CommitLoop.key(i))).as("audit %d", i).isEqualTo(CommitLoop.value(i));
                assertThat(store.get(Table.EVENTS, CommitLoop.key(i))).as("event %d", i).hasSize(CommitLoop.FILLER);
            }
            // Nothing of a batch beyond the applied index: each batch landed whole or not at all.
            assertThat(store.get(Table.ENTITIES, CommitLoop.key(last + 1))).isNull();
            assertThat(store.get(Table.EVENTS, CommitLoop.key(last + 1))).isNull();
            assertThat(store.get(Table.META, Contents.bytes("last"))).isEqualTo(CommitLoop.key(last));
            long[] count = new long[1];
            store.scan(Table.ENTITIES, (k, v) -> count[0]++);
            assertThat(count[0]).isEqualTo(last);
        }
    }
}
