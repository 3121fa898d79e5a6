package io.agentd.daemon.raft;

import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.proto.RaftProtos;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.LeaderNotReadyException;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
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
 */
public final class RaftNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RaftNode.class);
    private static final Duration BARRIER_BACKOFF_MAX = Duration.ofMillis(500);
    private static final long RECONNECT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final RaftNodeConfig config;
    private final RaftPeerId selfId;
    private final RaftGroup group;
    private final StateMachineAdapter stateMachine;
    private final LeadershipEvents events;
    private final ScheduledExecutorService timer;
    private final RaftProperties clientProperties;
    private final RetryPolicy retryPolicy;
    private final Semaphore writePermits;
    private final ClientId barrierClientId = ClientId.randomId();
    private final AtomicLong barrierCallIds = new AtomicLong();
    /** Identity of the writes this node submits to its own server while it leads. */
    private final ClientId localWriteClientId = ClientId.randomId();
    private final AtomicLong localWriteCallIds = new AtomicLong();
    private final AtomicLong electionCallIds = new AtomicLong();
    private final AtomicLong lastReconnect = new AtomicLong(System.nanoTime() - RECONNECT_INTERVAL_NANOS);
    private final Set<CompletableFuture<?>> pending = ConcurrentHashMap.newKeySet();
    private final Set<RaftClient> retiredClients = ConcurrentHashMap.newKeySet();
    private final List<Consumer<Throwable>> fatalListeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final RaftServer server;
    private volatile RaftServer.Division division;
    private volatile RaftClient client;
    private volatile Throwable fatal;

    private RaftNode(RaftNodeConfig config, ReplicaStateMachine replica, Consumer<RaftProperties> tuneServer)
            throws IOException {
        this.config = Objects.requireNonNull(config, "config");
        this.selfId = RaftPeerId.valueOf(config.nodeId());
        List<RaftPeer> peers = new ArrayList<>();
        config.peers().forEach((id, address) ->
                peers.add(RaftPeer.newBuilder().setId(id).setAddress(address).build()));
        this.group = RaftGroup.valueOf(RaftGroupId.valueOf(config.groupId()), peers);
        this.events = new LeadershipEvents(config.nodeId());
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "raft-timer-" + config.nodeId());
            t.setDaemon(true);
            return t;
        });
        this.stateMachine = new StateMachineAdapter(replica, new AdapterEvents(), System::currentTimeMillis,
                config.snapshotGracePeriod(), config.snapshotThreshold());
        this.clientProperties = RatisSettings.client(config);
        this.retryPolicy = RatisSettings.clientRetryPolicy(config);
        this.writePermits = new Semaphore(config.maxPendingRequests());
        RaftProperties serverProperties = RatisSettings.server(config);
        tuneServer.accept(serverProperties);
        this.server = RaftServer.newBuilder()
                .setServerId(selfId)
                .setGroup(group)
                .setStateMachine(stateMachine)
                .setProperties(serverProperties)
                .setOption(RaftStorage.StartupOption.RECOVER)
                .build();
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
            node.division = node.server.getDivision(node.group.getGroupId());
            node.client = node.newClient();
        } catch (IOException | RuntimeException e) {
            node.close();
            throw e;
        }
        LOG.info("{}: raft node started on {} in group {} with peers {}", config.nodeId(), config.raftAddress(),
                node.group.getGroupId(), config.peers());
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
        Objects.requireNonNull(payload, "payload");
        if (closed.get() || fatal != null) {
            return CompletableFuture.failedFuture(closedException());
        }
        if (!writePermits.tryAcquire()) {
            return CompletableFuture.failedFuture(new RaftUnavailableException(
                    config.maxPendingRequests() + " writes are already in flight on " + config.nodeId()));
        }
        CompletableFuture<Answer> result = track(new CompletableFuture<>(), "write");
        // Not copied: startTransaction copies it into the stamped entry.
        Message message = Message.valueOf(UnsafeByteOperations.unsafeWrap(payload));
        if (isLeader()) {
            submitLocally(message, result);
        } else {
            submitThroughClient(message, result);
        }
        return result;
    }

    /**
     * The leader's own writes go straight to its server: no gRPC round trip to itself, and no
     * client state (a leader cached from before an election, retry backoff) between a new leader
     * and its first write. When the server turns out not to lead (or not to be ready yet), the
     * write goes through the client, which finds the leader and retries.
     */
    private void submitLocally(Message message, CompletableFuture<Answer> result) {
        askOwnServer(localWriteClientId, localWriteCallIds.incrementAndGet(), message,
                RaftClientRequest.writeRequestType()).whenComplete((reply, err) -> {
            if (err == null && reply.isSuccess()) {
                writePermits.release();
                completeWrite(result, reply);
                return;
            }
            Throwable failure = err != null ? RaftFailures.unwrap(err) : reply.getException();
            if (failure instanceof LeaderNotReadyException) {
                // Refused before it was appended (an elected leader applies its first entry before it
                // takes writes): hand it to the client, which retries until the leader is ready.
                LOG.debug("{}: local write refused ({}), sending it through the client", config.nodeId(), failure);
                submitThroughClient(message, result);
                return;
            }
            // Anything else may have been appended before it failed (a leader that steps down fails
            // its pending writes with NotLeaderException, and the entry may still commit): sending it
            // again could apply it twice, so the caller decides (its Idempotency-Key makes a retry safe).
            writePermits.release();
            result.completeExceptionally(RaftFailures.translate(
                    failure != null ? failure : new IOException("unsuccessful write reply " + reply), "write"));
        });
    }

    private void submitThroughClient(Message message, CompletableFuture<Answer> result) {
        RaftClient c = client;
        CompletableFuture<RaftClientReply> sent;
        try {
            sent = c.async().send(message);
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        sent.whenComplete((reply, err) -> {
            writePermits.release();
            if (err != null) {
                if (RaftFailures.poisonsClient(err)) {
                    replaceClient(c, err);
                }
                result.completeExceptionally(RaftFailures.translate(err, "write"));
            } else {
                completeWrite(result, reply);
            }
        });
    }

    /**
     * A committed write's answer. An empty one means the entry was applied but its answer was not
     * kept: Ratis answered a retry from its retry cache with what a replica returned for an entry it
     * had applied before it restarted (those are passed over, see {@link StateMachineAdapter}). The
     * write took effect; the caller gets an error that says so, and a retry with the same
     * Idempotency-Key returns the original answer from the registry's dedup table.
     */
    static void completeWrite(CompletableFuture<Answer> result, RaftClientReply reply) {
        Message m = reply.getMessage();
        if (m instanceof Answer a) {
            result.complete(a);
        } else if (m == null || m.getContent().isEmpty()) {
            result.completeExceptionally(new RaftUnavailableException("the write was applied, but its answer was lost"
                    + " in a change of leader; retry it with the same Idempotency-Key to get its answer"));
        } else {
            result.complete(Answer.ofBytes(m.getContent().toByteArray()));
        }
    }

    /**
     * Completes once this node's state machine has applied at least the commit index the
     * leader had when the barrier was asked for (a linearizable read index, answered by the
     * local server, which asks the leader when it is a follower). Reading the local state after
     * it completes is linearizable. Retries while there is no leader, until the request timeout.
     */
    public CompletableFuture<Void> readBarrier() {
        if (closed.get() || fatal != null) {
            return CompletableFuture.failedFuture(closedException());
        }
        CompletableFuture<Void> result = track(new CompletableFuture<>(), "read barrier");
        askReadIndex(result, 0);
        return result;
    }

    private void askReadIndex(CompletableFuture<Void> result, int attempt) {
        if (result.isDone()) {
            return;
        }
        if (closed.get() || fatal != null) {
            result.completeExceptionally(closedException());
            return;
        }
        // A "dummy" read: the server runs the linearizable read-index protocol and waits until it
        // has applied the read index, but does not query the state machine.
        askOwnServer(barrierClientId, barrierCallIds.incrementAndGet(), Message.EMPTY,
                RaftClientRequest.readRequestType(false, false, true)).whenComplete((reply, err) -> {
            Throwable failure = err;
            if (failure == null && !reply.isSuccess()) {
                failure = reply.getException() != null ? reply.getException()
                        : new IOException("unsuccessful read index reply " + reply);
            }
            if (failure == null) {
                result.complete(null);
                return;
            }
            Throwable cause = RaftFailures.unwrap(failure);
            if (closed.get() || !RaftFailures.isTransient(cause)) {
                result.completeExceptionally(RaftFailures.translate(failure, "read barrier"));
                return;
            }
            if (RaftFailures.isGrpcStatus(cause)) {
                reconnectToLeader(cause);
            }
            long backoff = Math.min(BARRIER_BACKOFF_MAX.toMillis(), 20L << Math.min(attempt, 10));
            LOG.debug("{}: read index attempt {} failed, retrying in {}ms: {}", config.nodeId(), attempt, backoff,
                    cause.toString());
            schedule(() -> askReadIndex(result, attempt + 1), backoff);
        });
    }

    /** A request to this node's own Raft server, without the client; failures come back in the future. */
    private CompletableFuture<RaftClientReply> askOwnServer(ClientId clientId, long callId, Message message,
                                                            RaftClientRequest.Type type) {
        RaftClientRequest request = RaftClientRequest.newBuilder()
                .setClientId(clientId)
                .setServerId(selfId)
                .setGroupId(group.getGroupId())
                .setCallId(callId)
                .setMessage(message)
                .setType(type)
                .build();
        try {
            return server.submitClientRequestAsync(request);
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * A follower asks the leader for the read index over the server-to-server channel, which Ratis
     * resets only for log replication. After the leader was unreachable that channel waits out
     * gRPC's reconnect backoff (up to two minutes) and fails every read index meanwhile; a fresh
     * channel connects at once. At most once a second.
     */
    private void reconnectToLeader(Throwable cause) {
        Optional<String> leader = leaderId();
        long now = System.nanoTime();
        long last = lastReconnect.get();
        if (leader.isEmpty() || leader.get().equals(config.nodeId()) || now - last < RECONNECT_INTERVAL_NANOS
                || !lastReconnect.compareAndSet(last, now) || !(cause instanceof Exception e)) {
            return;
        }
        LOG.info("{}: reconnecting to leader {} after {}", config.nodeId(), leader.get(), cause.toString());
        server.getServerRpc().handleException(RaftPeerId.valueOf(leader.get()), e, true);
    }

    /** Whether this node is the leader (it may not accept writes until it has applied its first entry). */
    public boolean isLeader() {
        RaftServer.Division d = division;
        return d != null && d.getInfo().isLeader();
    }

    /**
     * Whether this node leads in {@code term} right now, as its Raft server knows it. A node that
     * leads in term T both before and after some step led throughout it: leadership lost in T is
     * only regained in a later term.
     */
    public boolean leadsIn(long term) {
        RaftServer.Division d = division;
        if (d == null || term <= 0) {
            return false;
        }
        var info = d.getInfo();
        // The role read between two reads of the same term: it was this node's role in that term.
        return info.getCurrentTerm() == term && info.isLeader() && info.getCurrentTerm() == term;
    }

    public Optional<String> leaderId() {
        RaftServer.Division d = division;
        return Optional.ofNullable(d == null ? null : d.getInfo().getLeaderId()).map(RaftPeerId::toString);
    }

    public long term() {
        RaftServer.Division d = division;
        return d == null ? 0 : d.getInfo().getCurrentTerm();
    }

    /** Where this node's log ends ({@link LogPosition#EMPTY} before it has an entry). */
    public LogPosition lastLogEntry() {
        RaftServer.Division d = division;
        TermIndex last = d == null ? null : d.getRaftLog().getLastEntryTermIndex();
        return last == null ? LogPosition.EMPTY : new LogPosition(last.getTerm(), last.getIndex());
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
        RaftServer.Division d = division;
        if (d == null || closed.get() || fatal != null) {
            return false;
        }
        var info = d.getInfo();
        RaftPeerId leader = info.getLeaderId();
        TermIndex last = d.getRaftLog().getLastEntryTermIndex();
        if (!info.isFollower() || leader == null || !leader.toString().equals(leaderId) || last == null
                || last.getTerm() != info.getCurrentTerm()) {
            return false;
        }
        RaftProtos.StartLeaderElectionRequestProto request = RaftProtos.StartLeaderElectionRequestProto.newBuilder()
                .setServerRequest(RaftProtos.RaftRpcRequestProto.newBuilder()
                        .setRequestorId(leader.toByteString())
                        .setReplyId(selfId.toByteString())
                        .setRaftGroupId(RaftProtos.RaftGroupIdProto.newBuilder().setId(group.getGroupId().toByteString()))
                        .setCallId(electionCallIds.incrementAndGet()))
                .setLeaderLastEntry(last.toProto())
                .build();
        try {
            boolean started = server.startLeaderElection(request).getServerReply().getSuccess();
            LOG.info("{}: leader {} is gone; {} an election at once (term {}, log at {})", config.nodeId(), leaderId,
                    started ? "started" : "could not start", info.getCurrentTerm(), last);
            return started;
        } catch (IOException | RuntimeException e) {
            LOG.warn("{}: could not start an election after leader {} was gone: {}", config.nodeId(), leaderId,
                    e.toString());
            return false;
        }
    }

    /** The highest log index this node knows to be committed. */
    public long commitIndex() {
        RaftServer.Division d = division;
        return d == null ? 0 : Math.max(0, d.getRaftLog().getLastCommittedIndex());
    }

    /** The highest log index this node's state machine has applied (configuration entries included). */
    public long appliedIndex() {
        return Math.max(0, stateMachine.getLastAppliedTermIndex().getIndex());
    }

    /** The voting members, sorted by id. */
    public List<Member> members() {
        RaftServer.Division d = division;
        RaftGroup current = d == null ? group : d.getGroup();
        Optional<String> leader = leaderId();
        Member.Role self = d == null ? Member.Role.UNKNOWN : switch (d.getInfo().getCurrentRole()) {
            case LEADER -> Member.Role.LEADER;
            case FOLLOWER -> Member.Role.FOLLOWER;
            case CANDIDATE -> Member.Role.CANDIDATE;
            case LISTENER -> Member.Role.LISTENER;
            default -> Member.Role.UNKNOWN;
        };
        List<Member> members = new ArrayList<>();
        for (RaftPeer p : current.getPeers()) {
            String id = p.getId().toString();
            Member.Role role;
            if (id.equals(config.nodeId())) {
                role = self;
            } else if (leader.isEmpty()) {
                role = Member.Role.UNKNOWN;
            } else {
                role = leader.get().equals(id) ? Member.Role.LEADER : Member.Role.FOLLOWER;
            }
            members.add(new Member(id, p.getAddress(), role));
        }
        members.sort(Comparator.comparing(Member::id));
        return List.copyOf(members);
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
        Throwable f = fatal;
        if (f != null) {
            events.post(() -> listener.accept(f));
        }
    }

    /** The failure that killed this node, if any. */
    public Optional<Throwable> fatalError() {
        return Optional.ofNullable(fatal);
    }

    /** Closes the client, then the server; fails what is still pending. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        LOG.info("{}: closing raft node", config.nodeId());
        RaftClient c = client;
        if (c != null) {
            closeQuietly(c);
        }
        retiredClients.forEach(RaftNode::closeQuietly);
        try {
            server.close();
        } catch (IOException | RuntimeException e) {
            LOG.warn("{}: closing the raft server failed", config.nodeId(), e);
        }
        RaftUnavailableException gone = closedException();
        for (CompletableFuture<?> f : pending) {
            f.completeExceptionally(gone);
        }
        events.close();
        timer.shutdownNow();
    }

    private RaftClient newClient() {
        RaftClient.Builder b = RaftClient.newBuilder()
                .setClientId(ClientId.randomId())
                .setRaftGroup(group)
                .setProperties(clientProperties)
                .setRetryPolicy(retryPolicy);
        leaderId().map(RaftPeerId::valueOf).ifPresent(b::setLeaderId);
        return b.build();
    }

    /**
     * Ratis' ordered async client fails every later request once one request has failed for
     * good; replace it so new writes work again. The old one is closed once its in-flight
     * requests had time to finish.
     */
    private synchronized void replaceClient(RaftClient failed, Throwable cause) {
        if (closed.get() || client != failed) {
            return;
        }
        LOG.warn("{}: replacing the raft client after {}", config.nodeId(), RaftFailures.unwrap(cause).toString());
        client = newClient();
        retiredClients.add(failed);
        schedule(() -> {
            retiredClients.remove(failed);
            closeQuietly(failed);
        }, config.requestTimeout().toMillis());
    }

    /** Keeps {@code f} for close() and fails it with RaftTimeoutException after the request timeout. */
    private <T> CompletableFuture<T> track(CompletableFuture<T> f, String what) {
        pending.add(f);
        Duration timeout = config.requestTimeout();
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

    private ScheduledFuture<?> schedule(Runnable task, long delayMillis) {
        try {
            return timer.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // Closing: close() fails whatever is still pending.
            return null;
        }
    }

    private RaftUnavailableException closedException() {
        Throwable f = fatal;
        return f == null ? new RaftUnavailableException("raft node " + config.nodeId() + " is closed")
                : new RaftUnavailableException("raft node " + config.nodeId() + " failed: " + f, f);
    }

    private void reportFatal(Throwable cause) {
        synchronized (this) {
            if (fatal != null) {
                return;
            }
            fatal = cause;
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

    private static void closeQuietly(RaftClient c) {
        try {
            c.close();
        } catch (IOException | RuntimeException e) {
            LOG.debug("closing raft client failed", e);
        }
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
            if (!closed.get()) {
                reportFatal(new IllegalStateException("Ratis closed the raft server of " + config.nodeId()
                        + " by itself"));
            }
        }
    }
}
