package io.agentd.daemon.coordinator;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Shares linearizable read barriers between concurrent readers. A reader may only join
 * a barrier that starts after it arrived (one asked earlier could miss a write the reader
 * has seen acknowledged), so at most one barrier runs and one more gathers the readers
 * that arrive meanwhile. With a minimum spacing, a barrier starts no sooner than that after
 * the one before it started: fewer Raft rounds (each costs the leader and every follower a
 * message) for at most that much more latency; used for lease renewals, which come by the
 * thousand a second and can wait a few milliseconds.
 */
final class ReadBarriers {
    private final Supplier<CompletableFuture<Void>> source;
    /**
     * Barriers complete on Ratis' apply thread; readers and the next barrier continue here, so
     * that thread never blocks on a new request or runs a reader's work.
     */
    private final java.util.concurrent.Executor executor;
    private final long timeoutMillis;
    private final java.util.concurrent.ScheduledExecutorService scheduler; // null: no spacing
    private final long spacingNanos;
    private long lastStart;
    private CompletableFuture<Void> running;
    private boolean runningStarted; // false while running waits out the spacing: readers may still join it
    private CompletableFuture<Void> next;

    /**
     * @param timeoutMillis a barrier not passed by then fails its readers with a
     *                      {@link java.util.concurrent.TimeoutException} (one timer per barrier, not per reader)
     */
    ReadBarriers(Supplier<CompletableFuture<Void>> source, java.util.concurrent.Executor executor, long timeoutMillis) {
        this(source, executor, timeoutMillis, null, java.time.Duration.ZERO);
    }

    /** @param spacing the least time between the starts of two barriers, waited out on {@code scheduler} */
    ReadBarriers(Supplier<CompletableFuture<Void>> source, java.util.concurrent.Executor executor, long timeoutMillis,
                 java.util.concurrent.ScheduledExecutorService scheduler, java.time.Duration spacing) {
        this.source = source;
        this.executor = executor;
        this.timeoutMillis = timeoutMillis;
        this.scheduler = spacing.isZero() ? null : scheduler;
        this.spacingNanos = spacing.toNanos();
        this.lastStart = System.nanoTime() - spacingNanos;
    }

    CompletableFuture<Void> barrier() {
        CompletableFuture<Void> mine;
        synchronized (this) {
            if (running != null && !runningStarted) {
                return running; // it starts after this reader arrived
            }
            if (running != null) {
                if (next == null) {
                    next = new CompletableFuture<Void>().orTimeout(timeoutMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
                }
                return next;
            }
            mine = new CompletableFuture<Void>().orTimeout(timeoutMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
            running = mine;
            runningStarted = false;
        }
        launch(mine);
        return mine;
    }

    /** Starts the barrier {@code target} (now {@code running}) once the spacing allows. */
    private void launch(CompletableFuture<Void> target) {
        long wait = 0;
        if (scheduler != null) {
            synchronized (this) {
                wait = lastStart + spacingNanos - System.nanoTime();
            }
        }
        if (wait <= 0) {
            start(target);
            return;
        }
        try {
            scheduler.schedule(() -> start(target), wait, java.util.concurrent.TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            start(target); // shutting down: the barrier itself fails soon enough
        }
    }

    private void start(CompletableFuture<Void> target) {
        synchronized (this) {
            lastStart = System.nanoTime();
            if (running == target) {
                runningStarted = true;
            }
        }
        CompletableFuture<Void> asked;
        try {
            asked = source.get();
        } catch (RuntimeException e) {
            asked = CompletableFuture.failedFuture(e);
        }
        asked.whenCompleteAsync((v, err) -> {
            CompletableFuture<Void> follow;
            synchronized (this) {
                follow = next;
                next = null;
                running = follow;
                runningStarted = false;
            }
            if (err != null) {
                target.completeExceptionally(err);
            } else {
                target.complete(null);
            }
            if (follow != null) {
                launch(follow);
            }
        }, executor);
    }
}
