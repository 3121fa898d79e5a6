package io.agentd.worker;

import io.agentd.client.AgentFilter;
import io.agentd.client.AgentdClient;
import io.agentd.client.Api;
import io.agentd.client.ApiReply;
import io.agentd.client.ReadOptions;
import io.agentd.client.api.AgentView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;

/**
 * Watches this worker's assignments with blocking queries (never tight polling) and hands each
 * answer to the actions thread, which merges it into {@link Assignments} and reconciles the
 * {@link Supervisor}. After a full list, each query asks only for the agents changed since the
 * last answer, so an answer costs what changed rather than everything this worker runs. A full
 * list again after a new registration, when a change could not be merged, and every
 * {@link #FULL_RESYNC}; a full list is asked for without waiting for a change. An answer older
 * than the current registration, or one that a registration overtook while it was under way,
 * is void, never acted on.
 *
 * <p>Threads: the queries run on {@code worker-assignments}; {@link #answered} and
 * {@link #reconcileKnown} on the actions thread; {@link #resync} on any.
 */
final class AssignmentWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AssignmentWatcher.class);

    /** A full list of this worker's agents at least this often, as a backstop for the changes. */
    static final Duration FULL_RESYNC = Duration.ofSeconds(60);

    private final String workerId;
    private final AgentdClient client;
    private final Supplier<URI> leader;
    private final Registration registration;
    private final ScheduledExecutorService actions;
    private final Assignments assignments;
    private final Supervisor supervisor;
    private final ExecutorService thread;
    private volatile boolean running = true;
    /** Set when the watcher must ask for the full list next (the chain of changes broke). */
    private volatile boolean resyncNeeded = true;

    /** This worker's registration ({@link LeaseKeeper}); read on any thread. */
    interface Registration {
        /** The revision of the current registration; {@code Long.MAX_VALUE} before the first. */
        long revision();

        /** A registration is under way: the revision it will have is not known yet. */
        boolean changing();
    }

    /**
     * @param leader the endpoint where renewals last succeeded (the leader): it applies a commit
     *               first and answers a blocking query at once, while a follower learns of the
     *               commit a round later
     */
    AssignmentWatcher(String workerId, AgentdClient client, Supplier<URI> leader, Registration registration,
                      ScheduledExecutorService actions, Assignments assignments, Supervisor supervisor) {
        this.workerId = workerId;
        this.client = client;
        this.leader = leader;
        this.registration = registration;
        this.actions = actions;
        this.assignments = assignments;
        this.supervisor = supervisor;
        this.thread = Executors.newSingleThreadExecutor(r -> WorkerDaemon.daemonThread(r, "worker-assignments"));
    }

    void start() {
        thread.execute(this::watch);
    }

    /** Asks for the full list next. */
    void resync() {
        resyncNeeded = true;
    }

    private void watch() {
        long revision = 0;
        long lastFull = 0;
        long fullRegistration = -1; // the registration the last full list was taken for
        AgentFilter mine = new AgentFilter(null, workerId, Map.of());
        while (running) {
            try {
                long reg = registration.revision();
                if (reg == Long.MAX_VALUE || registration.changing()) {
                    sleep(50); // not registered yet, or a registration under way: its answers would be void
                    continue;
                }
                long since = revision;
                boolean full = resyncNeeded || reg != fullRegistration
                        || System.nanoTime() - lastFull > FULL_RESYNC.toNanos();
                if (full) {
                    resyncNeeded = false;
                }
                // A full list is wanted now; changes are waited for.
                var request = full ? Api.listAgents(null, mine)
                        : Api.listAgentsChangedAfter(null, mine, since)
                                .withRead(ReadOptions.blocking(revision, Duration.ofSeconds(30)));
                client.preferEndpoint(leader.get());
                ApiReply<List<AgentView>> reply = client.send(request);
                if (registration.changing() || registration.revision() != reg) {
                    // A registration came while this was under way (it may be what woke the
                    // query): the answer is void; a full list for the new one follows.
                    resyncNeeded = true;
                    continue;
                }
                if (reply.revision() < reg || reply.revision() < since) {
                    // An answer from before the registration (or from before the last one): ask
                    // for everything again, shortly.
                    resyncNeeded = true;
                    sleep(200);
                    continue;
                }
                if (full) {
                    lastFull = System.nanoTime();
                    fullRegistration = reg;
                }
                revision = reply.revision();
                List<AgentView> agents = reply.value();
                long answeredAt = reply.revision();
                actions.execute(() -> answered(full, since, answeredAt, reg, agents));
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                resyncNeeded = true;
                LOG.debug("watching assignments: {}", e.getMessage());
                sleep(500);
            }
        }
    }

    /**
     * One answer (actions thread), taken for the registration at {@code reg}: a full list
     * replaces what is known, changes since {@code since} are merged in when they follow on from
     * it; either is then reconciled. Void when a newer registration has come meanwhile.
     */
    void answered(boolean full, long since, long answeredAt, long reg, List<AgentView> agents) {
        long current = registration.revision();
        if (reg != current || answeredAt < current) {
            LOG.debug("ignoring an assignment answer at revision {} for the registration at {}: registered at {}",
                    answeredAt, reg, current);
            resyncNeeded = true;
            return;
        }
        if (full) {
            assignments.replace(answeredAt, reg, agents);
            supervisor.reconcile(assignments.known(), true);
            return;
        }
        if (!assignments.merge(since, answeredAt, reg, agents)) {
            LOG.debug("ignoring changes after revision {}: known is at {}", since, assignments.revision());
            resyncNeeded = true;
            return;
        }
        if (!agents.isEmpty()) {
            supervisor.reconcile(agents, false);
        }
    }

    /** A lapsed lease came back (actions thread): what fencing stopped, or never started, may run again now. */
    void reconcileKnown() {
        Collection<AgentView> known = assignments.known();
        if (known != null) {
            supervisor.reconcile(known, true);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        thread.shutdownNow();
    }
}
