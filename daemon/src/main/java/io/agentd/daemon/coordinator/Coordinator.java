package io.agentd.daemon.coordinator;

import io.agentd.daemon.config.ServerConfig;
import io.agentd.daemon.raft.RaftNode;
import io.agentd.statemachine.ClusterState;
import io.agentd.statemachine.command.Command;
import io.agentd.statemachine.command.Envelope;
import io.agentd.statemachine.command.Reply;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * What the API needs from one coordinator node: writes that go through the log (batched
 * by the {@link Proposer}), reads of the local replica after a linearizable barrier, and
 * blocking waits on the revision. Decide-then-apply: nothing here changes state directly.
 */
public final class Coordinator {
    private final ServerConfig config;
    private final RaftNode raft;
    private final RegistryReplica replica;
    private final RevisionWaiters waiters;
    private final Proposer proposer;
    private final ReadBarriers barriers;
    /** Lease renewals: a few ms of wait are nothing to a renewal; a Raft round per millisecond is a lot. */
    static final Duration RENEWAL_BARRIER_SPACING = Duration.ofMillis(5);
    private final ReadBarriers renewalBarriers;

    /**
     * @param executor where reads continue after a barrier (never Ratis' apply thread)
     * @param timer    waits out the spacing of renewal barriers (never blocks)
     */
    public Coordinator(ServerConfig config, RaftNode raft, RegistryReplica replica, RevisionWaiters waiters,
                       java.util.concurrent.Executor executor, java.util.concurrent.ScheduledExecutorService timer) {
        this.config = config;
        this.raft = raft;
        this.replica = replica;
        this.waiters = waiters;
        this.proposer = new Proposer(raft::propose, config.maxBatch, config.maxInflightBatches,
                config.maxQueuedProposals, System::nanoTime);
        raft.onLeadershipChange(leadership -> {
            if (leadership.leading()) {
                proposer.leadershipGained();
            }
        });
        this.barriers = new ReadBarriers(raft::readBarrier, executor, config.requestTimeout.toMillis());
        this.renewalBarriers = new ReadBarriers(raft::readBarrier, executor, config.requestTimeout.toMillis(), timer,
                RENEWAL_BARRIER_SPACING);
    }

    public ServerConfig config() {
        return config;
    }

    public RaftNode raft() {
        return raft;
    }

    /**
     * Replicates one command of a service of this node ({@code actor}, "lease-sweeper" say);
     * completes with its reply once applied. Never refused for a full queue (see {@link Proposer}).
     */
    public CompletableFuture<Reply> write(Command command, String actor) {
        return proposer.proposeOwn(new Envelope(null, actor, command))
                .orTimeout(config.requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Commands waiting on this node for the next log entry. */
    public int queuedProposals() {
        return proposer.queued();
    }

    /**
     * Replicates one command in its envelope; completes with its reply once applied, or with
     * {@link Overloaded} at once when too many commands wait already.
     */
    public CompletableFuture<Reply> write(Envelope envelope) {
        return proposer.propose(envelope).orTimeout(config.requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Replicates commands in one log entry, in order; completes with their replies, in the
     * same order, once applied. Each envelope carries its own request id.
     */
    public CompletableFuture<java.util.List<Reply>> writeAll(java.util.List<Envelope> envelopes) {
        return proposer.proposeAll(envelopes).orTimeout(config.requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Completes when a read of the local replica is linearizable (at once when stale). */
    public CompletableFuture<Void> readable(boolean stale) {
        if (stale || config.unsafeStaleReads) {
            return CompletableFuture.completedFuture(null);
        }
        return barriers.barrier(); // times out after the request timeout
    }

    /**
     * {@link #readable} for lease renewals: their barriers start at most every
     * {@link #RENEWAL_BARRIER_SPACING}, so under load many renewals share one Raft round.
     */
    public CompletableFuture<Void> renewable() {
        if (config.unsafeStaleReads) {
            return CompletableFuture.completedFuture(null);
        }
        return renewalBarriers.barrier();
    }

    public <T> T read(Function<ClusterState, T> reader) {
        return replica.read(reader);
    }

    /**
     * Completes once the cluster is known to be at feature level {@code level} or above; fails with
     * {@link io.agentd.statemachine.FeatureLevel#needs} when it is not. What a level brings is
     * refused before it reaches the log, so that a member on an older build never sees an entry it
     * cannot read; a node that has not yet applied the upgrade asks for a read barrier before it
     * refuses, so a call right after {@code cluster upgrade} is not refused by a lagging follower.
     */
    public CompletableFuture<Void> requireFeatureLevel(int level, String what) {
        if (read(ClusterState::featureLevel) >= level) {
            return CompletableFuture.completedFuture(null);
        }
        return readable(false).thenApply(v -> {
            int now = read(ClusterState::featureLevel);
            if (now < level) {
                throw io.agentd.statemachine.FeatureLevel.needs(level, now, what);
            }
            return null;
        });
    }

    public long revision() {
        return replica.revision();
    }

    /** The last {@code limit} audit records {@code filter} accepts, oldest first: a scan of the whole trail. */
    public java.util.List<io.agentd.statemachine.model.AuditRecord> audit(
            java.util.function.Predicate<io.agentd.statemachine.model.AuditRecord> filter, int limit) {
        return replica.audit(filter, limit);
    }

    /** The state check this replica took under {@code id}, or null when it has not applied it (yet). */
    public io.agentd.statemachine.Replica.StateCheck stateCheck(String id) {
        return replica.stateCheck(id);
    }

    public long appliedIndex() {
        return replica.appliedIndex();
    }

    /** Completes (true) once the revision passes {@code after}, or (false) after {@code wait}. */
    public CompletableFuture<Boolean> awaitRevision(long after, Duration wait) {
        return waiters.await(after, wait);
    }
}
