package io.agentd.daemon.raft;

import org.apache.ratis.conf.RaftProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * One peer of the coordinators' Raft group: a Ratis server (gRPC) running a
 * {@link ReplicaStateMachine}, and a Ratis client bound to the same group that forwards this
 * node's writes to the leader.
 *
 * <p>Futures returned here complete on Ratis or timer threads: dependent stages must not block.
 * They fail only with {@link RaftException} and its subclasses.
 *
 * <p>Not done here, on purpose: sharing one read barrier between concurrent readers
 * (the coordinator's ReadBarriers does that; doing it twice would only add a round trip), and
 * exactly-once writes (a request id and dedup table in the replicated state; Ratis' retry cache
 * only covers one client's retries for a minute).
 *
 * <p>Its parts: {@link LocalServer} (the server, and what it knows of the group), {@link WritePath}
 * (writes and the client), {@link ReadIndexBarrier} (read barriers) and {@link PendingCalls} (calls
 * in flight, their deadlines, and whether the node is closed or failed).
 */
public final class RaftNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RaftNode.class);

    private final RaftNodeConfig config;
    private final StateMachineAdapter stateMachine;
    private final LeadershipEvents events;
    private final PendingCalls calls;
    private final LocalServer server;
    private final WritePath writes;
    private final ReadIndexBarrier reads;
    private final MembershipCalls membership;
    private final List<Consumer<Throwable>> fatalListeners = new CopyOnWriteArrayList<>();

    private RaftNode(RaftNodeConfig config, ReplicaStateMachine replica, Consumer<RaftProperties> tuneServer)
            throws IOException {
        this.config = Objects.requireNonNull(config, "config");
        this.events = new LeadershipEvents(config.nodeId());
        this.calls = new PendingCalls(config.nodeId(), config.requestTimeout());
        this.stateMachine = new StateMachineAdapter(replica, new AdapterEvents(), System::currentTimeMillis,
                config.snapshotGracePeriod(), config.snapshotThreshold());
        RaftProperties serverProperties = RatisSettings.server(config);
        tuneServer.accept(serverProperties);
        this.server = new LocalServer(config, stateMachine, serverProperties);
        this.writes = new WritePath(config, server, calls);
        this.reads = new ReadIndexBarrier(config.nodeId(), server, calls);
        this.membership = new MembershipCalls(config, server);
    }

    /**
     * Starts this peer: opens (or creates) its storage and joins the group. Returns without
     * waiting for a leader; Ratis then replays the log into the state machine in the background,
     * passing over entries the state machine has durably applied already.
     */
    public static RaftNode start(RaftNodeConfig config, ReplicaStateMachine replica) throws IOException {
        return start(config, replica, p -> { });
    }

    /** As {@link #start(RaftNodeConfig, ReplicaStateMachine)}, with Ratis server properties changed: tests only. */
    static RaftNode start(RaftNodeConfig config, ReplicaStateMachine replica, Consumer<RaftProperties> tuneServer)
            throws IOException {
        RaftNode node = new RaftNode(config, replica, tuneServer);
        try {
            node.server.start();
            node.writes.start();
        } catch (IOException | RuntimeException e) {
            node.close();
            throw e;
        }
        LOG.info("{}: raft node started on {} in group {} with peers {}", config.nodeId(), config.raftAddress(),
                node.server.group().getGroupId(), config.peers());
        return node;
    }

    public String nodeId() {
        return config.nodeId();
    }

    public RaftNodeConfig config() {
        return config;
    }

    /**
     * Replicates {@code payload} and applies it on every replica; completes with the bytes of the
     * answer {@link ReplicaStateMachine#apply} returned on the leader. As {@link #propose}.
     */
    public CompletableFuture<byte[]> submit(byte[] payload) {
        return propose(payload).thenApply(Answer::bytes);
    }

    /**
     * Replicates {@code payload} and applies it on every replica; completes with the answer
     * {@link ReplicaStateMachine#apply} returned on the leader: the very object when this node is
     * the leader, else one made from its bytes. Works on any node (a follower's write goes to the
     * leader through the client). The caller must not change {@code payload} afterwards. Fails with
     * {@link RaftUnavailableException} (no leader, retries exhausted, closed, too many writes in
     * flight) or {@link RaftTimeoutException} (not applied within the request timeout; it may still be).
     */
    public CompletableFuture<Answer> propose(byte[] payload) {
        return writes.propose(payload);
    }

    /**
     * Completes once this node's state machine has applied at least the commit index the
     * leader had when the barrier was asked for (a linearizable read index, answered by the
     * local server, which asks the leader when it is a follower). Reading the local state after
     * it completes is linearizable. Retries while there is no leader, until the request timeout.
     */
    public CompletableFuture<Void> readBarrier() {
        return reads.ask();
    }

    /** Whether this node is the leader (it may not accept writes until it has applied its first entry). */
    public boolean isLeader() {
        return server.isLeader();
    }

    /**
     * Whether this node leads in {@code term} right now, as its Raft server knows it. A node that
     * leads in term T both before and after some step led throughout it: leadership lost in T is
     * only regained in a later term.
     */
    public boolean leadsIn(long term) {
        return server.leadsIn(term);
    }

    public Optional<String> leaderId() {
        return server.leaderId();
    }

    public long term() {
        return server.term();
    }

    /** Where this node's log ends ({@link LogPosition#EMPTY} before it has an entry). */
    public LogPosition lastLogEntry() {
        return server.lastLogEntry();
    }

    /**
     * Starts an election now, for a leader whose process is known to be gone, instead of waiting
     * out an election timeout. This is the step Ratis takes when a leader hands over: a new term,
     * no pre-vote round, and a voter grants the vote even though its own timeout has not passed
     * (a higher term). Safety is Raft's own: a vote still needs a log at least as up to date as
     * the voter's. Refused (false, nothing happens) unless this node follows {@code leaderId} and
     * its log ends in the current term (the request stands in for that leader's, which names its
     * last entry).
     */
    public boolean electAfterLeaderLoss(String leaderId) {
        return !calls.isDown() && server.electAfterLeaderLoss(leaderId);
    }

    /** The highest log index this node knows to be committed. */
    public long commitIndex() {
        return server.commitIndex();
    }

    /** The highest log index this node's state machine has applied (configuration entries included). */
    public long appliedIndex() {
        return Math.max(0, stateMachine.getLastAppliedTermIndex().getIndex());
    }

    /** On the leader, milliseconds since each follower last answered it; empty elsewhere. */
    public java.util.Map<String, Long> followerLastContactMillis() {
        return server.followerLastContactMillis();
    }

    /**
     * Moves leadership to member {@code target} (which must be a voter); completes once it leads.
     * Fails with {@link MembershipException} (busy) while another change runs on this node.
     */
    public CompletableFuture<Void> transferLeadership(String target, java.time.Duration timeout) {
        return membership.transferLeadership(target, timeout.toMillis());
    }

    /** Adds a learner that receives the log without a vote (promote it once caught up). */
    public CompletableFuture<Void> addLearner(String id, String raftAddress, String httpAddress) {
        return membership.addLearner(id, raftAddress, httpAddress);
    }

    /** Makes learner {@code id} a voter. */
    public CompletableFuture<Void> promote(String id) {
        return membership.promote(id);
    }

    /** Removes voter {@code id} from the group (the caller moved leadership off it first). */
    public CompletableFuture<Void> removeMember(String id) {
        return membership.removeVoter(id);
    }

    /** The voting members, sorted by id. */
    public List<Member> members() {
        return server.members();
    }

    /**
     * Registers a listener for leadership: the term once this node is leader and has applied
     * every entry of earlier terms (so leader-only services see the whole state), {@link
     * Leadership#NONE} when it stops leading, including at close. Called on one dedicated thread,
     * in order, only on changes; a listener added while this node leads hears so at once. The
     * events trail Raft by a moment: a service that acts on its leadership checks {@link
     * #leadsIn} when it matters.
     */
    public void onLeadershipChange(Consumer<Leadership> listener) {
        events.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Registers a listener for a fatal failure: the state machine threw from apply or snapshot
     * install, the log failed, or Ratis closed the server by itself. The node is then dead and
     * the process should exit. Called at most once, on the leadership event thread.
     */
    public void onFatalError(Consumer<Throwable> listener) {
        Objects.requireNonNull(listener, "listener");
        fatalListeners.add(listener);
        Throwable f = calls.fatal();
        if (f != null) {
            events.post(() -> listener.accept(f));
        }
    }

    /** The failure that killed this node, if any. */
    public Optional<Throwable> fatalError() {
        return Optional.ofNullable(calls.fatal());
    }

    /** Closes the client, then the server; fails what is still pending. Idempotent. */
    @Override
    public void close() {
        if (!calls.markClosed()) {
            return;
        }
        LOG.info("{}: closing raft node", config.nodeId());
        writes.closeClients();
        membership.close();
        try {
            server.close();
        } catch (IOException | RuntimeException e) {
            LOG.warn("{}: closing the raft server failed", config.nodeId(), e);
        }
        calls.failAll();
        events.close();
        calls.stopTimer();
    }

    private void reportFatal(Throwable cause) {
        if (!calls.markFailed(cause)) {
            return;
        }
        LOG.error("{}: raft node failed and stops", config.nodeId(), cause);
        events.changed(Leadership.NONE);
        events.post(() -> fatalListeners.forEach(l -> {
            try {
                l.accept(cause);
            } catch (RuntimeException e) {
                LOG.error("fatal error listener failed", e);
            }
        }));
    }

    private final class AdapterEvents implements StateMachineAdapter.Events {
        @Override
        public void leading(long term) {
            events.changed(Leadership.leading(term));
        }

        @Override
        public void notLeading() {
            events.changed(Leadership.NONE);
        }

        @Override
        public void fatal(Throwable cause) {
            reportFatal(cause);
        }

        @Override
        public void closed() {
            if (!calls.isClosed()) {
                reportFatal(new IllegalStateException("Ratis closed the raft server of " + config.nodeId()
                        + " by itself"));
            }
        }
    }
}
