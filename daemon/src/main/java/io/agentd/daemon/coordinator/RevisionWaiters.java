package io.agentd.daemon.coordinator;

import java.time.Duration;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Blocking queries and long polls: futures that complete once the applied revision
 * passes a threshold, or when their wait runs out (then with false).
 */
public final class RevisionWaiters {
    private final ScheduledExecutorService timer;
    /** Waiters are completed here, never on the apply thread that advanced the revision. */
    private final java.util.concurrent.Executor completions;
    private final PriorityQueue<Waiter> queue = new PriorityQueue<>((a, b) -> Long.compare(a.after, b.after));
    private long revision;

    private record Waiter(long after, CompletableFuture<Boolean> future) {
    }

    public RevisionWaiters(ScheduledExecutorService timer, java.util.concurrent.Executor completions) {
        this.timer = timer;
        this.completions = completions;
    }

    /** Completes true once the revision is greater than {@code after}, false after {@code wait}. */
    public CompletableFuture<Boolean> await(long after, Duration wait) {
        CompletableFuture<Boolean> f = new CompletableFuture<>();
        synchronized (this) {
            if (revision > after) {
                f.complete(true);
                return f;
            }
            queue.add(new Waiter(after, f));
        }
        var timeout = timer.schedule(() -> f.complete(false), wait.toMillis(), TimeUnit.MILLISECONDS);
        f.whenComplete((ok, err) -> {
            timeout.cancel(false);
            if (!Boolean.TRUE.equals(ok)) {
                synchronized (this) {
                    queue.removeIf(w -> w.future == f);
                }
            }
        });
        return f;
    }

    /** Blocking queries parked now, waiting for the revision to pass theirs. */
    public synchronized int waiting() {
        return queue.size();
    }

    /** Called after each applied entry with the new revision. */
    public void advance(long newRevision) {
        java.util.List<CompletableFuture<Boolean>> ready = new java.util.ArrayList<>();
        synchronized (this) {
            revision = Math.max(revision, newRevision);
            while (!queue.isEmpty() && queue.peek().after < revision) {
                ready.add(queue.poll().future);
            }
        }
        if (!ready.isEmpty()) {
            completions.execute(() -> ready.forEach(f -> f.complete(true)));
        }
    }
}
