package io.agentd.daemon.coordinator;

import io.agentd.daemon.raft.Leadership;
import io.agentd.statemachine.command.Command;
import io.agentd.statemachine.command.Reply;
import io.agentd.statemachine.model.Worker;
import io.agentd.statemachine.model.WorkerState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Worker leases as leader soft state (docs/design-notes.md, "Worker leases"). Renewals live in
 * this leader's memory only; the log sees just their consequence, {@code ExpireWorker}.
 *
 * <ul>
 *   <li>A new leader gives every live worker a full TTL before it may expire anyone.</li>
 *   <li>A worker is expired only after a whole TTL without a renewal received here; the
 *       worker measures its own lease from when it <em>sent</em> the renewal, so it has
 *       fenced itself before this happens.</li>
 *   <li>Once an expiry is decided for a worker, renewals are refused until it registers
 *       again: a worker is never told "renewed" while its agents are being handed on.</li>
 *   <li>Everything here belongs to one term. A renewal is granted only by a node that leads in
 *       that term before and after the read barrier ({@link #term()}, then {@link #renew}); an
 *       expiry carries the term, and the state machine refuses it in an entry of any other term,
 *       so a deposed leader's decision changes nothing wherever it is committed.</li>
 *   <li>After a pause of this process (the sweeper ran later than it should by more than a
 *       quarter TTL), renewals may have waited unread in its sockets: the sweeper expires nobody
 *       until a read barrier has passed with this node still leading in its term, and then gives
 *       every worker a full TTL, as a new leader does.</li>
 * </ul>
 * Cost: a renewal is a map lookup and a field write. The sweeper keeps every lease in a queue
 * ordered by when it must next look at it (its deadline as last queued), so a sweep touches only
 * leases that may have run out; a renewal leaves the queue alone, and a lease found renewed when
 * it comes up is queued again at its new deadline (so each lease is looked at about once per TTL).
 * The worker list is read again only when the replica says a worker changed
 * ({@code workersVersion}), not on every sweep.
 * Thread-safe; the sweeper runs on the given scheduler while this node leads.
 */
public final class LeaseTracker {
    private static final Logger LOG = LoggerFactory.getLogger(LeaseTracker.class);

    /** What a renewal attempt found. */
    public enum Renewal { RENEWED, NOT_LEADER, UNKNOWN_WORKER, EXPIRED }

    /** What the tracker asks of Raft about this node's own leadership. */
    public interface LeaderCheck {
        /** Whether this node leads in {@code term} right now ({@code RaftNode.leadsIn}). */
        boolean leadsIn(long term);

        /**
         * Completes once this node has applied a read index taken after the call ({@code
         * RaftNode.readBarrier}). On its own it proves nothing about who leads: a follower's
         * barrier passes too.
         */
        CompletableFuture<Void> barrier();
    }

    private final Supplier<List<Worker>> workers;
    private final LongSupplier workersVersion;
    private final Function<Command, CompletableFuture<Reply>> propose;
    private final LeaderCheck raft;
    private final ScheduledExecutorService scheduler;
    private final Duration ttl;
    private final long ttlNanos;
    private final long periodMillis;
    /** A sweep this much later than the last one's start means this process (or its timer) stood still. */
    private final long pauseNanos;
    private final LongSupplier clock;

    /**
     * One live worker's lease. {@code revision}: the worker's revision when the deadline was set;
     * a worker that changed since (registered again after an expiry, say) gets a full TTL from
     * when that is seen, as its old deadline belongs to the old registration. Guarded by the tracker.
     */
    private static final class Lease {
        final String id;
        long deadline;
        long revision;
        long queuedAt;   // its key in the queue; never after deadline unless an expiry was decided
        boolean dropped; // no longer live: skipped when it comes up

        Lease(String id, long deadline, long revision) {
            this.id = id;
            this.deadline = deadline;
            this.revision = revision;
        }
    }

    /** Worker id -> lease; every lease here is in {@link #queue} exactly once. */
    private final Map<String, Lease> leases = new HashMap<>();
    private final PriorityQueue<Lease> queue = new PriorityQueue<>(
            Comparator.comparingLong((Lease l) -> l.queuedAt).thenComparing(l -> l.id));
    /** Expiries decided here: the worker's revision then, and when (to propose again if unanswered). */
    private final Map<String, Expiry> expiring = new HashMap<>();

    private record Expiry(long revision, long decidedAt) {
    }
    /** The term this node leads in; 0 when it does not lead. */
    private volatile long term; // written under the tracker's lock
    private boolean reconciled;     // the worker list was read since leadership changed
    private long reconciledVersion; // ... at this workersVersion
    private ScheduledFuture<?> sweeper;
    /** When the last scheduled sweep started (monotonic); pauses show as a larger gap. */
    private long lastTick;
    /** A pause was seen and leadership not yet confirmed since: nobody is expired. */
    private boolean pauseUnconfirmed;
    /** A barrier to confirm leadership after a pause is under way. */
    private boolean confirming;

    /**
     * @param workers        the workers as the local replica has them now
     * @param workersVersion changes whenever a worker in {@code workers} may have changed
     * @param propose        replicates a command (the sweeper's ExpireWorker)
     * @param raft           this node's leadership as Raft knows it
     * @param clock          monotonic nanoseconds
     */
    public LeaseTracker(Supplier<List<Worker>> workers, LongSupplier workersVersion,
                        Function<Command, CompletableFuture<Reply>> propose, LeaderCheck raft,
                        ScheduledExecutorService scheduler, Duration ttl, LongSupplier clock) {
        this.workers = workers;
        this.workersVersion = workersVersion;
        this.propose = propose;
        this.raft = raft;
        this.scheduler = scheduler;
        this.ttl = ttl;
        this.ttlNanos = ttl.toNanos();
        this.periodMillis = Math.max(50, Math.min(250, ttl.toMillis() / 10));
        this.pauseNanos = TimeUnit.MILLISECONDS.toNanos(periodMillis) + ttlNanos / 4;
        this.clock = clock;
    }

    public Duration ttl() {
        return ttl;
    }

    /**
     * Leadership changed: forget everything; when leading, grant every worker a full TTL in
     * the new term and start sweeping.
     */
    public synchronized void leadershipChanged(Leadership now) {
        leases.clear();
        queue.clear();
        expiring.clear();
        reconciled = false;
        pauseUnconfirmed = false;
        confirming = false;
        term = now.term();
        if (sweeper != null) {
            sweeper.cancel(false);
            sweeper = null;
        }
        if (now.leading()) {
            lastTick = clock.getAsLong();
            sweeper = scheduler.scheduleWithFixedDelay(this::tickSafely, periodMillis, periodMillis,
                    TimeUnit.MILLISECONDS);
            LOG.info("leading in term {}: every worker has a full {} ms lease from now", term, ttl.toMillis());
        }
    }

    /**
     * The term in which this tracker leads, 0 when it does not. A renewal reads it before its read
     * barrier and passes it to {@link #renew} after: a node that leads in one term at both points
     * led throughout, so the barrier was a leader's and confirmed that term with a majority after
     * the worker sent its renewal.
     */
    public long term() {
        return term;
    }

    /**
     * Records a renewal. The caller read {@code term} from {@link #term()} before it passed a
     * read barrier, and passes the worker as the state after that barrier has it (null when
     * unknown).
     */
    public synchronized Renewal renew(String workerId, Worker current, long term) {
        if (this.term == 0 || this.term != term || !raft.leadsIn(term)) {
            return Renewal.NOT_LEADER;
        }
        if (current == null) {
            return Renewal.UNKNOWN_WORKER;
        }
        Expiry decided = expiring.get(workerId);
        if (current.state() == WorkerState.DOWN || (decided != null && decided.revision() == current.revision())) {
            return Renewal.EXPIRED;
        }
        if (decided != null) {
            expiring.remove(workerId);
        }
        long deadline = clock.getAsLong() + ttlNanos;
        Lease l = leases.get(workerId);
        if (l == null) {
            track(new Lease(workerId, deadline, current.revision()));
        } else {
            l.deadline = deadline; // it stays queued where it is: looked at then, and queued again
            l.revision = current.revision();
        }
        return Renewal.RENEWED;
    }

    /** How many leases this node tracks (tests and metrics). */
    synchronized int tracked() {
        return leases.size();
    }

    private void track(Lease l) {
        l.queuedAt = l.deadline;
        leases.put(l.id, l);
        queue.add(l);
    }

    private void tickSafely() {
        try {
            tick();
        } catch (RuntimeException e) {
            LOG.warn("lease sweep failed; retrying on the next tick", e);
        }
    }

    /**
     * What the scheduler runs while this node leads: notices a pause of this process since the
     * last tick, then sweeps. Tests call it (or {@link #sweep} alone) by hand.
     */
    void tick() {
        long now = clock.getAsLong();
        long gap;
        long confirmTerm = 0;
        synchronized (this) {
            if (term == 0) {
                return;
            }
            gap = now - lastTick;
            lastTick = now;
            if (gap > pauseNanos && !pauseUnconfirmed) {
                pauseUnconfirmed = true;
                LOG.warn("the lease sweeper last ran {} ms ago (was this process paused?): renewals may be waiting"
                        + " unread; confirming leadership in term {} before expiring anyone", gap / 1_000_000, term);
            }
            if (pauseUnconfirmed && !confirming) {
                confirming = true;
                confirmTerm = term;
            }
        }
        if (confirmTerm != 0) {
            confirmAfterPause(confirmTerm);
        }
        sweep();
    }

    private void confirmAfterPause(long t) {
        CompletableFuture<Void> barrier;
        try {
            barrier = raft.barrier();
        } catch (RuntimeException e) {
            barrier = CompletableFuture.failedFuture(e);
        }
        barrier.whenComplete((v, err) -> {
            synchronized (this) {
                if (term != t) {
                    return; // leadership changed meanwhile, and with it everything here
                }
                confirming = false;
                if (err != null || !raft.leadsIn(t)) {
                    LOG.warn("leadership in term {} not confirmed after the pause ({}): expiring nobody yet", t,
                            err != null ? err.toString() : "this node no longer leads in it");
                    return; // still unconfirmed: the next tick asks again
                }
                pauseUnconfirmed = false;
                long fresh = clock.getAsLong() + ttlNanos;
                for (Lease l : leases.values()) {
                    if (fresh - l.deadline > 0) {
                        l.deadline = fresh; // stays queued where it is: looked at then, and queued again
                    }
                }
                LOG.info("leadership in term {} confirmed after the pause: every worker has a full {} ms lease from now",
                        t, ttl.toMillis());
            }
        });
    }

    /**
     * One sweep: proposes ExpireWorker for every live worker whose lease ran out. Does nothing
     * while this node does not lead, or after a pause until leadership is confirmed.
     */
    void sweep() {
        long version = workersVersion.getAsLong(); // before the list: a change in between is seen next time
        List<Worker> live = null;
        boolean stale;
        synchronized (this) {
            if (term == 0 || pauseUnconfirmed) {
                return;
            }
            stale = !reconciled || version != reconciledVersion;
        }
        if (stale) {
            live = new ArrayList<>();
            for (Worker w : workers.get()) {
                if (w.state() != WorkerState.DOWN) {
                    live.add(w);
                }
            }
        }
        long now = clock.getAsLong();
        List<Lease> due = new ArrayList<>();
        List<Long> dueRevisions = new ArrayList<>();
        long decidedIn;
        synchronized (this) {
            if (term == 0 || pauseUnconfirmed) {
                return;
            }
            decidedIn = term;
            if (live != null) {
                reconcile(live, now);
                reconciled = true;
                reconciledVersion = version;
            }
            Lease l;
            while ((l = queue.peek()) != null && now - l.queuedAt > 0) {
                queue.poll();
                if (l.dropped) {
                    continue;
                }
                if (now - l.deadline <= 0) {
                    l.queuedAt = l.deadline; // renewed since it was queued
                    queue.add(l);
                    continue;
                }
                Expiry decided = expiring.get(l.id);
                boolean undecided = decided == null || decided.revision() != l.revision
                        || now - decided.decidedAt() - ttlNanos > 0; // its proposal got no answer: again
                if (undecided) {
                    decided = new Expiry(l.revision, now);
                    expiring.put(l.id, decided);
                    due.add(l);
                    dueRevisions.add(l.revision);
                }
                l.queuedAt = decided.decidedAt() + ttlNanos; // when to propose again if still live then
                queue.add(l);
            }
        }
        for (int i = 0; i < due.size(); i++) {
            String id = due.get(i).id;
            long revision = dueRevisions.get(i);
            LOG.warn("worker {} has not renewed its lease for {} ms: expiring it (term {})", id, ttl.toMillis(),
                    decidedIn);
            propose.apply(new Command.ExpireWorker(id, revision, decidedIn))
                    .whenComplete((reply, err) -> {
                        if (err != null) {
                            // Outcome unknown: it may still commit, so renewals stay refused; the
                            // sweeper proposes again after a TTL if the worker is still live.
                            LOG.warn("expiring worker {}: outcome unknown: {}", id, err.toString());
                        } else if (!reply.isOk()) {
                            LOG.info("expiring worker {} refused: {}", id, reply.message());
                            synchronized (this) {
                                if (term == decidedIn) { // a later term has its own decisions
                                    expiring.remove(id);
                                }
                            }
                        }
                    });
        }
    }

    /**
     * Brings the leases in line with the live workers: a worker seen for the first time, or
     * changed since its deadline was set, gets a full TTL from now; leases of workers no longer
     * live are dropped.
     */
    private void reconcile(List<Worker> live, long now) {
        Map<String, Worker> byId = new HashMap<>(live.size() * 2);
        for (Worker w : live) {
            byId.put(w.id(), w);
            Lease l = leases.get(w.id());
            if (l == null) {
                track(new Lease(w.id(), now + ttlNanos, w.revision()));
            } else if (l.revision != w.revision()) {
                l.deadline = now + ttlNanos; // queuedAt <= old deadline or decision + TTL <= this
                l.revision = w.revision();
            }
        }
        if (byId.size() < leases.size()) {
            for (Iterator<Lease> it = leases.values().iterator(); it.hasNext(); ) {
                Lease l = it.next();
                if (!byId.containsKey(l.id)) {
                    l.dropped = true;
                    it.remove();
                }
            }
        }
    }
}
