package io.agentd.daemon.raft;

import io.agentd.statemachine.store.AppliedIndex;
import org.apache.ratis.proto.RaftProtos;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.apache.ratis.util.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Ratis' view of a {@link ReplicaStateMachine}.
 *
 * <ul>
 * <li>Leader time: {@link #startTransaction} prefixes the client payload with the leader's clock;
 * {@link #preAppendTransaction}, which Ratis calls under its log lock in log order, raises the stamp
 * to the highest one seen so far, so stamps never run backwards along the log while leaders' clocks
 * agree within the time of a failover (the state machine still keeps {@code max}: docs/design-notes.md, "The write path").</li>
 * <li>Applied index: starts at the state machine's durable index or the latest snapshot, whichever
 * is higher. Ratis replays the log from the latest snapshot; entries at or below the applied index
 * are passed over without calling {@link ReplicaStateMachine#apply}. Any gap is an invariant failure.</li>
 * <li>Failures: an exception from {@code apply} is rethrown on Ratis' apply thread, which makes Ratis
 * close the server; the node reports it through {@link Events#fatal}.</li>
 * <li>Snapshots: Ratis takes one on its apply thread when {@code snapshotThreshold} entries were
 * applied since the last (or since start); a hundredth of a threshold ({@link #PREPARE_AHEAD}) before that,
 * the replica is told to prepare ({@link ReplicaStateMachine#prepareSnapshot}), so the snapshot
 * itself holds up apply for less time.</li>
 * </ul>
 *
 * <p>Threads: apply, snapshot and reinitialize calls come from Ratis' single state machine updater
 * thread; start/preAppend from request threads; leader events from various Ratis threads.
 */
final class StateMachineAdapter extends BaseStateMachine {
    private static final Logger LOG = LoggerFactory.getLogger(StateMachineAdapter.class);

    /** What the node wants to hear about. Called on Ratis threads: must not block. */
    interface Events {
        /** This node became the leader of {@code term} and has applied everything before that term. */
        void leading(long term);

        /** This node stopped leading. */
        void notLeading();

        /** The state machine or the log failed; Ratis is closing the server. */
        void fatal(Throwable cause);

        /** Ratis closed this state machine: the server is shutting down, asked to or not. */
        void closed();
    }

    private final ReplicaStateMachine replica;
    private final Events events;
    private final LongSupplier clock;
    private final SnapshotStore snapshots;
    /** Highest leader stamp seen in this node's log, for {@link #preAppendTransaction}. */
    private final AtomicLong lastStamp = new AtomicLong(Long.MIN_VALUE);
    private volatile RaftPeerId selfId;
    /**
     * The term of the last configuration entry applied. A leader is ready once it has applied the
     * configuration entry it appended when elected, and Ratis applies that entry (and calls
     * {@link #notifyConfigurationChanged}) just before {@link #notifyLeaderReady}, on the same
     * thread: so this is the term in which the node became ready, read without racing a later
     * election (which the server's current term could already show).
     */
    private volatile long lastConfigurationTerm;
    /** The replica prepares a snapshot threshold / PREPARE_AHEAD entries (at least one) before it is due. */
    static final int PREPARE_AHEAD = 100;
    private final long snapshotThreshold;
    /** Ratis' own rule: the next snapshot when the applied index reaches the last one's + the threshold. */
    private volatile long snapshotDue = Long.MAX_VALUE;
    private volatile boolean snapshotPrepared;

    StateMachineAdapter(ReplicaStateMachine replica, Events events, LongSupplier clock, Duration snapshotGrace,
                        long snapshotThreshold) {
        this.replica = Objects.requireNonNull(replica, "replica");
        this.snapshots = new SnapshotStore(snapshotGrace);
        this.events = Objects.requireNonNull(events, "events");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.snapshotThreshold = snapshotThreshold;
    }

    /** Ratis counts the threshold from this index (the applied index at start, or the last snapshot's). */
    private void snapshotTakenAt(long index) {
        snapshotDue = index + snapshotThreshold;
        snapshotPrepared = false;
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage storage) throws IOException {
        super.initialize(server, groupId, storage);
        selfId = server.getId();
        getLifeCycle().startAndTransition(() -> {
            snapshots.init(storage);
            AppliedIndex durable = replica.lastApplied();
            Optional<SnapshotStore.Snapshot> latest = snapshots.latest();
            if (latest.isPresent() && latest.get().termIndex().getIndex() > durable.index()) {
                // The state machine lost entries the log no longer has (Ratis replays from the snapshot).
                SnapshotStore.Snapshot s = latest.get();
                LOG.warn("{}: state machine applied index {} is behind snapshot {}; installing the snapshot",
                        selfId, durable, s.termIndex());
                installIntoReplica(s);
                durable = replica.lastApplied();
            }
            TermIndex applied = toTermIndex(durable);
            if (latest.isPresent() && latest.get().termIndex().compareTo(applied) > 0) {
                applied = latest.get().termIndex();
            }
            setLastAppliedTermIndex(applied);
            snapshotTakenAt(applied.getIndex());
            LOG.info("{}: initialized at applied {} (state machine {}, snapshot {})", selfId, applied, durable,
                    latest.map(s -> s.termIndex().toString()).orElse("none"));
        });
    }

    @Override
    public StateMachineStorage getStateMachineStorage() {
        return snapshots;
    }

    @Override
    public void pause() {
        // Ratis pauses the state machine right before it publishes an installed snapshot, and its
        // updater thread then insists on PAUSED before calling reinitialize().
        LifeCycle lc = getLifeCycle();
        if (lc.getCurrentState() == LifeCycle.State.RUNNING) {
            lc.transition(LifeCycle.State.PAUSING);
            lc.transition(LifeCycle.State.PAUSED);
        }
    }

    /**
     * Called after {@link #pause} when Ratis has replaced the state machine directory with a
     * snapshot received from the leader (and when a paused server is resumed, where nothing changed
     * on disk and nothing is installed).
     */
    @Override
    public void reinitialize() throws IOException {
        Optional<TermIndex> before = snapshots.latest().map(SnapshotStore.Snapshot::termIndex);
        Optional<SnapshotStore.Snapshot> now = snapshots.reload();
        if (now.isPresent() && !now.map(SnapshotStore.Snapshot::termIndex).equals(before)) {
            SnapshotStore.Snapshot s = now.get();
            LOG.info("{}: installing snapshot {} received from the leader", selfId, s.termIndex());
            installIntoReplica(s);
            setLastAppliedTermIndex(s.termIndex());
            snapshotTakenAt(s.termIndex().getIndex());
        }
        LifeCycle lc = getLifeCycle();
        if (lc.getCurrentState() == LifeCycle.State.PAUSED) {
            lc.transition(LifeCycle.State.STARTING);
            lc.transition(LifeCycle.State.RUNNING);
        }
    }

    private void installIntoReplica(SnapshotStore.Snapshot s) throws IOException {
        AppliedIndex at = new AppliedIndex(s.termIndex().getTerm(), s.termIndex().getIndex());
        replica.installSnapshot(s.dir(), at);
        AppliedIndex after = replica.lastApplied();
        if (!after.equals(at)) {
            throw new IllegalStateException("after installing snapshot " + at
                    + " the state machine reports applied index " + after);
        }
    }

    @Override
    public long takeSnapshot() throws IOException {
        AppliedIndex at = replica.lastApplied();
        long handed = getLastAppliedTermIndex().getIndex();
        if (at.index() == 0 || at.index() > handed) {
            // Nothing applied yet, or still passing over replayed entries below the durable index:
            // Ratis refuses a snapshot ahead of what it has handed out.
            return RaftLog.INVALID_LOG_INDEX;
        }
        Optional<SnapshotStore.Snapshot> latest = snapshots.latest();
        if (latest.isPresent() && latest.get().termIndex().getIndex() >= at.index()) {
            return RaftLog.INVALID_LOG_INDEX;
        }
        TermIndex ti = TermIndex.valueOf(at.term(), at.index());
        long started = System.nanoTime();
        SnapshotStore.Snapshot s = snapshots.create(ti, replica::writeSnapshot);
        LOG.info("{}: took snapshot {} ({} files, {} ms)", selfId, ti, s.info().getFiles().size(),
                (System.nanoTime() - started) / 1_000_000);
        snapshotTakenAt(ti.getIndex());
        return ti.getIndex();
    }

    @Override
    public TransactionContext startTransaction(RaftClientRequest request) throws IOException {
        byte[] data = StampedEntry.encode(clock.getAsLong(), request.getMessage().getContent());
        return TransactionContext.newBuilder()
                .setStateMachine(this)
                .setClientRequest(request)
                // Wrapped, not copied: preAppendTransaction may still raise the stamp in place.
                .setLogData(UnsafeByteOperations.unsafeWrap(data))
                .setStateMachineContext(data)
                .build();
    }

    @Override
    public TransactionContext preAppendTransaction(TransactionContext trx) {
        // Runs in log order under the log's write lock, before Ratis builds the entry from the data.
        if (trx.getStateMachineContext() instanceof byte[] data) {
            long stamp = lastStamp.accumulateAndGet(StampedEntry.stampOf(data), Math::max);
            StampedEntry.restamp(data, stamp);
        }
        return trx;
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = Objects.requireNonNull(trx.getLogEntry(), "log entry");
        long term = entry.getTerm();
        long index = entry.getIndex();
        try {
            StampedEntry decoded = StampedEntry.decode(entry.getStateMachineLogEntry().getLogData());
            lastStamp.accumulateAndGet(decoded.leaderTimeMillis(), Math::max);
            long applied = getLastAppliedTermIndex().getIndex();
            if (index <= applied) {
                return CompletableFuture.completedFuture(Message.EMPTY);
            }
            if (index != applied + 1) {
                throw new IllegalStateException("entry " + index + " does not follow applied index " + applied);
            }
            // Followers answer too: Ratis puts the answer in its retry cache, and a client whose
            // leader died retries the same call at the next leader, which applied the entry as a
            // follower and answers from that cache (an empty answer there was a 500 after failover).
            // The bytes are still made only if a retry asks for them.
            Answer reply = replica.apply(term, index, decoded.leaderTimeMillis(), decoded.payload());
            updateLastAppliedTermIndex(term, index);
            if (!snapshotPrepared && index >= snapshotDue - Math.max(1, snapshotThreshold / PREPARE_AHEAD)) {
                snapshotPrepared = true;
                replica.prepareSnapshot();
            }
            return CompletableFuture.completedFuture(reply == null ? Message.EMPTY : reply);
        } catch (RuntimeException | Error e) {
            // Thrown, not returned as a failed future: Ratis only logs failed futures and carries on,
            // while an exception from here makes it stop applying and close the server.
            LOG.error("{}: applying entry {} (term {}) failed; the node stops", selfId, index, term, e);
            events.fatal(e);
            throw e;
        }
    }

    @Override
    public void notifyTermIndexUpdated(long term, long index) {
        // Configuration and metadata entries: they advance the applied index without touching the state.
        if (index > getLastAppliedTermIndex().getIndex()) {
            updateLastAppliedTermIndex(term, index);
        }
    }

    @Override
    public CompletableFuture<Message> query(Message request) {
        // Reads are served from the local state after RaftNode#readBarrier; Ratis' query is unused.
        return CompletableFuture.completedFuture(Message.EMPTY);
    }

    @Override
    public void notifyConfigurationChanged(long term, long index, RaftProtos.RaftConfigurationProto conf) {
        lastConfigurationTerm = term;
    }

    @Override
    public void notifyLeaderReady() {
        long term = lastConfigurationTerm;
        if (term <= 0) {
            // Ratis readies a leader only on applying its own configuration entry; no term means that changed.
            IllegalStateException e = new IllegalStateException(
                    "leader ready before its configuration entry was applied: the term it leads in is unknown");
            events.fatal(e);
            throw e;
        }
        events.leading(term);
    }

    @Override
    public void notifyNotLeader(Collection<TransactionContext> pendingEntries) {
        events.notLeading();
    }

    @Override
    public void notifyLeaderChanged(RaftGroupMemberId memberId, RaftPeerId newLeaderId) {
        if (!memberId.getPeerId().equals(newLeaderId)) {
            events.notLeading();
        }
    }

    @Override
    public void notifyLogFailed(Throwable cause, LogEntryProto failedEntry) {
        LOG.error("{}: the raft log failed at {}", selfId, failedEntry == null ? "?" : failedEntry.getIndex(), cause);
        events.fatal(cause);
    }

    @Override
    public void close() {
        getLifeCycle().checkStateAndClose(() -> LOG.debug("{}: state machine adapter closed", selfId));
        events.closed();
    }

    private static TermIndex toTermIndex(AppliedIndex a) {
        return a.index() == 0 && a.term() == 0 ? TermIndex.INITIAL_VALUE : TermIndex.valueOf(a.term(), a.index());
    }
}
