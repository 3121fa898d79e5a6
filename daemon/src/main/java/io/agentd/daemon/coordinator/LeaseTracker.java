package io.agentd.daemon.coordinator;

import io.agentd.statemachine.command.Command;
import io.agentd.statemachine.command.Reply;
import io.agentd.statemachine.model.Worker;
import io.agentd.statemachine.model.WorkerState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Worker leases as leader soft state (DESIGN.md, "Leases and fencing"). Renewals live in
 * this leader's memory only; the log sees just their consequence, {@code ExpireWorker}.
 *
 * <ul>
 *   <li>A new leader gives every live worker a full TTL before it may expire anyone.</li>
 *   <li>A worker is expired only after a whole TTL without a renewal received here; the
 *       worker measures its own lease from when it <em>sent</em> the renewal, so it has
 *       fenced itself before this happens.</li>
 *   <li>Once an expiry is decided for a worker, renewals are refused until it registers
 *       again: a worker is never told "renewed" while its agents are being handed on.</li>
 * </ul>
 * Thread-safe; the sweeper runs on the given scheduler while this node leads.
 */
public final class LeaseTracker {
    private static final Logger LOG = LoggerFactory.getLogger(LeaseTracker.class);

    /** What a renewal attempt found. */
    public enum Renewal { RENEWED, NOT_LEADER, UNKNOWN_WORKER, EXPIRED }

    private final Supplier<List<Worker>> workers;
    private final Function<Command, CompletableFuture<Reply>> propose;
    private final ScheduledExecutorService scheduler;
    private final Duration ttl;
    private final LongSupplier clock;
    /** Worker id -> its deadline (nanos) and the worker's revision when it was set. */
    private final Map<String, Deadline> deadlines = new HashMap<>();

    /**
     * A worker that changed since its deadline was set (registered again after an expiry, say)
     * gets a full TTL from when that is seen: its old deadline belongs to the old registration.
     */
    private record Deadline(long at, long revision) {
    }
    /** Expiries decided here: the worker's revision then, and when (to propose again if unanswered). */
    private final Map<String, Expiry> expiring = new HashMap<>();

    private record Expiry(long revision, long decidedAt) {
    }
    private boolean leading;
    private ScheduledFuture<?> sweeper;

    /**
     * @param workers  the workers as the local replica has them now
     * @param propose  replicates a command (the sweeper's ExpireWorker)
     * @param clock    monotonic nanoseconds
     */
    public LeaseTracker(Supplier<List<Worker>> workers, Function<Command, CompletableFuture<Reply>> propose,
                        ScheduledExecutorService scheduler, Duration ttl, LongSupplier clock) {
        this.workers = workers;
        this.propose = propose;
        this.scheduler = scheduler;
        this.ttl = ttl;
        this.clock = clock;
    }

    public Duration ttl() {
        return ttl;
    }

    /** Leadership gained: forget everything, grant every worker a full TTL, start sweeping. */
    public synchronized void leadershipChanged(boolean nowLeading) {
        deadlines.clear();
        expiring.clear();
        leading = nowLeading;
        if (sweeper != null) {
            sweeper.cancel(false);
            sweeper = null;
        }
        if (nowLeading) {
            long period = Math.max(50, Math.min(250, ttl.toMillis() / 10));
            sweeper = scheduler.scheduleWithFixedDelay(this::sweepSafely, period, period, TimeUnit.MILLISECONDS);
            LOG.info("leading: every worker has a full {} ms lease from now", ttl.toMillis());
        }
    }

    /**
     * Records a renewal. The caller has confirmed leadership and that its state is current
     * (a read barrier) and passes the worker as that state has it (null when unknown).
     */
    public synchronized Renewal renew(String workerId, Worker current) {
        if (!leading) {
            return Renewal.NOT_LEADER;
        }
        if (current == null) {
            return Renewal.UNKNOWN_WORKER;
        }
        Expiry decided = expiring.get(workerId);
        if (current.state() == WorkerState.DOWN || (decided != null && decided.revision() == current.revision())) {
            return Renewal.EXPIRED;
        }
        expiring.remove(workerId);
        deadlines.put(workerId, new Deadline(clock.getAsLong() + ttl.toNanos(), current.revision()));
        return Renewal.RENEWED;
    }

    private void sweepSafely() {
        try {
            sweep();
        } catch (RuntimeException e) {
            LOG.warn("lease sweep failed; retrying on the next tick", e);
        }
    }

    /** Proposes ExpireWorker for every live worker whose lease ran out. */
    /** One sweep; the scheduler calls it while leading (tests call it directly). */
    void sweep() {
        List<Worker> live = new ArrayList<>();
        for (Worker w : workers.get()) {
            if (w.state() != WorkerState.DOWN) {
                live.add(w);
            }
        }
        long now = clock.getAsLong();
        List<Worker> due = new ArrayList<>();
        synchronized (this) {
            if (!leading) {
                return;
            }
            for (Worker w : live) {
                Deadline d = deadlines.get(w.id());
                if (d == null || d.revision() != w.revision()) {
                    d = new Deadline(now + ttl.toNanos(), w.revision());
                    deadlines.put(w.id(), d);
                }
                long deadline = d.at();
                Expiry decided = expiring.get(w.id());
                boolean undecided = decided == null || decided.revision() != w.revision()
                        || now - decided.decidedAt() - ttl.toNanos() > 0; // its proposal got no answer: again
                if (now - deadline > 0 && undecided) {
                    expiring.put(w.id(), new Expiry(w.revision(), now));
                    due.add(w);
                }
            }
        }
        for (Worker w : due) {
            LOG.warn("worker {} has not renewed its lease for {} ms: expiring it", w.id(), ttl.toMillis());
            propose.apply(new Command.ExpireWorker(w.id(), w.revision()))
                    .whenComplete((reply, err) -> {
                        if (err != null) {
                            // Outcome unknown: it may still commit, so renewals stay refused; the
                            // sweeper proposes again after a TTL if the worker is still live.
                            LOG.warn("expiring worker {}: outcome unknown: {}", w.id(), err.toString());
                        } else if (!reply.isOk()) {
                            LOG.info("expiring worker {} refused: {}", w.id(), reply.message());
                            synchronized (this) {
                                expiring.remove(w.id());
                            }
                        }
                    });
        }
    }
}
