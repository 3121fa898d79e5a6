package io.agentd.daemon.raft;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The calls a {@link RaftNode} has in flight, and whether it still takes new ones: not once it is
 * closed or has failed for good. A tracked future fails with {@link RaftTimeoutException} after
 * the request timeout, and with {@link RaftUnavailableException} at {@link #failAll}. Deadlines
 * and retries run on one timer thread, {@code raft-timer-<node>}.
 *
 * <p>Threads: safe for concurrent use.
 */
final class PendingCalls {
    private final String nodeId;
    private final Duration requestTimeout;
    private final ScheduledExecutorService timer;
    private final Set<CompletableFuture<?>> pending = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Throwable fatal;

    PendingCalls(String nodeId, Duration requestTimeout) {
        this.nodeId = nodeId;
        this.requestTimeout = requestTimeout;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "raft-timer-" + nodeId);
            t.setDaemon(true);
            return t;
        });
    }

    /** Whether the node is closed or has failed: a new call then fails at once with {@link #closedException}. */
    boolean isDown() {
        return closed.get() || fatal != null;
    }

    boolean isClosed() {
        return closed.get();
    }

    /** Marks the node closed; false if it was already. */
    boolean markClosed() {
        return closed.compareAndSet(false, true);
    }

    /** Keeps the failure that killed the node; false, and nothing kept, if there was one already. */
    synchronized boolean markFailed(Throwable cause) {
        if (fatal != null) {
            return false;
        }
        fatal = cause;
        return true;
    }

    /** The failure that killed the node, or null. */
    Throwable fatal() {
        return fatal;
    }

    RaftUnavailableException closedException() {
        Throwable f = fatal;
        return f == null ? new RaftUnavailableException("raft node " + nodeId + " is closed")
                : new RaftUnavailableException("raft node " + nodeId + " failed: " + f, f);
    }

    /** Keeps {@code f} for {@link #failAll} and fails it with RaftTimeoutException after the request timeout. */
    <T> CompletableFuture<T> track(CompletableFuture<T> f, String what) {
        pending.add(f);
        Duration timeout = requestTimeout;
        ScheduledFuture<?> deadline = schedule(() -> f.completeExceptionally(new RaftTimeoutException(
                what + " did not complete within " + timeout.toMillis() + "ms")), timeout.toMillis());
        f.whenComplete((v, e) -> {
            pending.remove(f);
            if (deadline != null) {
                deadline.cancel(false);
            }
        });
        return f;
    }

    /** Runs {@code task} on the timer thread after {@code delayMillis}; null, and nothing runs, once the timer has stopped. */
    ScheduledFuture<?> schedule(Runnable task, long delayMillis) {
        try {
            return timer.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // Closing: close() fails whatever is still pending.
            return null;
        }
    }

    /** Fails every tracked future that is still pending with {@link #closedException}. */
    void failAll() {
        RaftUnavailableException gone = closedException();
        for (CompletableFuture<?> f : pending) {
            f.completeExceptionally(gone);
        }
    }

    /** Stops the timer thread; what was scheduled does not run. */
    void stopTimer() {
        timer.shutdownNow();
    }
}
