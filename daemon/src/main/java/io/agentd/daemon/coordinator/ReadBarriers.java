package io.agentd.daemon.coordinator;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Shares linearizable read barriers between concurrent readers. A reader may only join
 * a barrier that starts after it arrived (one asked earlier could miss a write the reader
 * has seen acknowledged), so at most one barrier runs and one more gathers the readers
 * that arrive meanwhile.
 */
final class ReadBarriers {
    private final Supplier<CompletableFuture<Void>> source;
    /**
     * Barriers complete on Ratis' apply thread; readers and the next barrier continue here, so
     * that thread never blocks on a new request or runs a reader's work.
     */
    private final java.util.concurrent.Executor executor;
    private final long timeoutMillis;
    private CompletableFuture<Void> running;
    private CompletableFuture<Void> next;

    /**
     * @param timeoutMillis a barrier not passed by then fails its readers with a
     *                      {@link java.util.concurrent.TimeoutException} (one timer per barrier, not per reader)
     */
    ReadBarriers(Supplier<CompletableFuture<Void>> source, java.util.concurrent.Executor executor, long timeoutMillis) {
        this.source = source;
        this.executor = executor;
        this.timeoutMillis = timeoutMillis;
    }

    CompletableFuture<Void> barrier() {
        CompletableFuture<Void> mine;
        synchronized (this) {
            if (running != null) {
                if (next == null) {
                    next = new CompletableFuture<Void>().orTimeout(timeoutMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
                }
                return next;
            }
            mine = new CompletableFuture<Void>().orTimeout(timeoutMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
            running = mine;
        }
        start(mine);
        return mine;
    }

    private void start(CompletableFuture<Void> target) {
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
            }
            if (err != null) {
                target.completeExceptionally(err);
            } else {
                target.complete(null);
            }
            if (follow != null) {
                start(follow);
            }
        }, executor);
    }
}
