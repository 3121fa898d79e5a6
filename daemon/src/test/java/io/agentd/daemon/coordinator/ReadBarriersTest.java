package io.agentd.daemon.coordinator;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Shared read barriers: who joins which, and the spacing between their starts. */
class ReadBarriersTest {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final List<CompletableFuture<Void>> asked = Collections.synchronizedList(new ArrayList<>());
    private final List<Long> startedAt = Collections.synchronizedList(new ArrayList<>());

    private CompletableFuture<Void> ask() {
        startedAt.add(System.nanoTime());
        CompletableFuture<Void> f = new CompletableFuture<>();
        asked.add(f);
        return f;
    }

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    @Test
    void readersArrivingWhileOneRunsShareTheNextBarrierOnly() throws Exception {
        ReadBarriers b = new ReadBarriers(this::ask, Runnable::run, 10_000, timer, Duration.ofMillis(20));
        CompletableFuture<Void> first = b.barrier();
        List<CompletableFuture<Void>> later = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            later.add(b.barrier());
        }
        assertThat(asked).hasSize(1);
        asked.get(0).complete(null);
        assertThat(first).isCompleted();
        assertThat(later).as("they arrived after the first barrier started").allMatch(f -> !f.isDone());
        await().atMost(Duration.ofSeconds(10)).until(() -> asked.size() == 2);
        asked.get(1).complete(null);
        assertThat(later).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
        assertThat(asked).as("one Raft round for the ten").hasSize(2);
    }

    @Test
    void barriersStartNoCloserThanTheSpacing() throws Exception {
        ReadBarriers b = new ReadBarriers(() -> {
            startedAt.add(System.nanoTime());
            return CompletableFuture.completedFuture(null);
        }, Runnable::run, 10_000, timer, Duration.ofMillis(50));
        for (int i = 0; i < 5; i++) {
            b.barrier().get(10, TimeUnit.SECONDS);
        }
        assertThat(startedAt).hasSize(5);
        for (int i = 1; i < 5; i++) {
            assertThat(startedAt.get(i) - startedAt.get(i - 1)).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    @Test
    void withoutASpacingTheNextBarrierStartsAtOnce() throws Exception {
        ReadBarriers b = new ReadBarriers(this::ask, Runnable::run, 10_000);
        b.barrier();
        CompletableFuture<Void> second = b.barrier();
        asked.get(0).complete(null);
        assertThat(asked).hasSize(2);
        asked.get(1).complete(null);
        assertThat(second).isCompleted();
    }

    @Test
    void readersArrivingWhileABarrierWaitsOutTheSpacingJoinIt() throws Exception {
        ReadBarriers b = new ReadBarriers(this::ask, Runnable::run, 10_000, timer, Duration.ofMillis(200));
        b.barrier();
        CompletableFuture<Void> second = b.barrier();
        asked.get(0).complete(null); // the second barrier now waits until 200 ms after the first started
        CompletableFuture<Void> third = b.barrier();
        await().atMost(Duration.ofSeconds(10)).until(() -> asked.size() == 2);
        asked.get(1).complete(null);
        assertThat(second).isCompleted();
        assertThat(third).as("it arrived before that barrier started").isCompleted();
        assertThat(asked).hasSize(2);
    }
}
