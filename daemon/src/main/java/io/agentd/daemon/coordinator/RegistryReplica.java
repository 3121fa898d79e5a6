package io.agentd.daemon.coordinator;

import io.agentd.daemon.raft.Answer;
import io.agentd.daemon.raft.ReplicaStateMachine;
import io.agentd.statemachine.ClusterState;
import io.agentd.statemachine.Replica;
import io.agentd.statemachine.codec.CommandCodec;
import io.agentd.statemachine.command.Reply;
import io.agentd.statemachine.store.AppliedIndex;
import io.agentd.statemachine.store.DurableStore;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;

/**
 * The registry as Ratis sees it: applies entries under a write lock so readers on HTTP
 * threads always see whole entries, and wakes blocking queries after each entry.
 */
public final class RegistryReplica implements ReplicaStateMachine {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RegistryReplica.class);
    private final Replica replica;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final RevisionWaiters waiters;
    private volatile long revision;
    private volatile long appliedIndex;
    /** Changes whenever a worker may have changed (see {@link #workersVersion()}). */
    private volatile long workersVersion;
    private ClusterState seenState; // the state object and its worker write count seen last (write lock)
    private long seenWorkerWrites;

    public RegistryReplica(DurableStore store, RevisionWaiters waiters) {
        long started = System.nanoTime();
        this.replica = new Replica(store);
        // State checks (cluster check) are hashed off the apply thread, one at a time.
        replica.digestOn(java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "state-check-digest");
            t.setDaemon(true);
            return t;
        }));
        LOG.info("loaded the registry from the store: {} agents at revision {} in {} ms",
                replica.state().agentCount(), replica.state().revision(), (System.nanoTime() - started) / 1_000_000);
        this.waiters = waiters;
        this.revision = replica.state().revision();
        this.appliedIndex = replica.lastApplied().index();
        waiters.advance(revision);
    }

    /** Runs a read of the registry under the read lock. */
    public <T> T read(Function<ClusterState, T> reader) {
        lock.readLock().lock();
        try {
            return reader.apply(replica.state());
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * The last {@code limit} records of the audit trail that {@code filter} accepts, oldest first.
     * Reads the whole trail in the store (at most its retention): for operators, not hot paths.
     */
    public List<io.agentd.statemachine.model.AuditRecord> audit(
            java.util.function.Predicate<io.agentd.statemachine.model.AuditRecord> filter, int limit) {
        java.util.ArrayDeque<io.agentd.statemachine.model.AuditRecord> last = new java.util.ArrayDeque<>();
        lock.readLock().lock();
        try {
            replica.auditTrail(a -> {
                if (filter.test(a)) {
                    last.addLast(a);
                    if (last.size() > limit) {
                        last.removeFirst();
                    }
                }
            });
        } finally {
            lock.readLock().unlock();
        }
        return List.copyOf(last);
    }

    /** The cluster revision this replica has applied; safe from any thread. */
    public long revision() {
        return revision;
    }

    /** {@link Replica#check}: any thread. */
    public io.agentd.statemachine.Replica.StateCheck stateCheck(String id) {
        return replica.check(id);
    }

    public long appliedIndex() {
        return appliedIndex;
    }

    /**
     * A number that changes whenever an applied entry or an installed snapshot may have changed
     * a worker, and stays put otherwise: leader-local services (the lease sweeper) look at the
     * worker list again only when it moved. Safe from any thread.
     */
    public long workersVersion() {
        return workersVersion;
    }

    /** Under the write lock, after the state changed. */
    private void noteWorkerChanges() {
        ClusterState s = replica.state();
        if (s != seenState || s.workerWrites() != seenWorkerWrites) {
            seenState = s;
            seenWorkerWrites = s.workerWrites();
            workersVersion++;
        }
    }

    @Override
    public AppliedIndex lastApplied() {
        lock.readLock().lock();
        try {
            return replica.lastApplied();
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public Answer apply(long term, long index, long leaderTimeMillis, byte[] payload) {
        if (TestFaults.DIVERGE_METADATA && payload.length > 0) {
            payload = TestFaults.divergeMetadata(payload);
        }
        List<Reply> replies;
        lock.writeLock().lock();
        try {
            replies = replica.apply(term, index, leaderTimeMillis, payload);
            revision = replica.state().revision();
            appliedIndex = replica.lastApplied().index();
            noteWorkerChanges();
        } finally {
            lock.writeLock().unlock();
        }
        waiters.advance(revision);
        // Replies are encoded only when they leave this process: a follower's write, or a retry
        // answered from Ratis' retry cache after a change of leader.
        return Answer.of(replies == null ? List.<Reply>of() : replies, CommandCodec::encodeReplies);
    }

    @Override
    public void prepareSnapshot() {
        replica.prepareCheckpoint(); // the store is thread-safe; this takes no registry lock
    }

    @Override
    public void writeSnapshot(Path dir) throws IOException {
        lock.readLock().lock();
        try {
            replica.checkpoint(dir);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Where a {@link #checkpoint} stands: the registry's revision and the last entry applied. */
    public record Checkpoint(long revision, AppliedIndex applied) {
    }

    /** A checkpoint of the store in {@code dir} (which must not exist), for a backup; apply waits meanwhile. */
    public Checkpoint checkpoint(Path dir) throws IOException {
        lock.readLock().lock();
        try {
            replica.checkpoint(dir);
            return new Checkpoint(replica.state().revision(), replica.lastApplied());
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void installSnapshot(Path dir, AppliedIndex at) throws IOException {
        lock.writeLock().lock();
        try {
            replica.restore(dir);
            revision = replica.state().revision();
            appliedIndex = replica.lastApplied().index();
            seenState = null;
            noteWorkerChanges();
        } finally {
            lock.writeLock().unlock();
        }
        LOG.info("installed a snapshot from the leader at index {} (revision {})", appliedIndex, revision);
        waiters.advance(revision);
    }
}
