package io.agentd.statemachine;

import io.agentd.statemachine.command.Reply;
import io.agentd.statemachine.store.AppliedIndex;
import io.agentd.statemachine.store.ChangeSet;
import io.agentd.statemachine.store.DurableStore;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * One replica's registry: the in-memory {@link ClusterState} over its {@link DurableStore}.
 * Each applied entry is written to the store together with its index, in one batch.
 *
 * <p>Threads: {@link #apply}, {@link #checkpoint} and {@link #restore} are called by the
 * single apply thread; the caller excludes readers of {@link #state()} while they run.
 */
public final class Replica {
    private final DurableStore store;
    private ClusterState state;
    private Applier applier;
    private AppliedIndex applied;
    private final ChangeSet changes = new ChangeSet();
    /** State checks this replica took, by id, oldest first, at most {@link #CHECKS_KEPT}. */
    private final java.util.LinkedHashMap<String, StateCheck> checks = new java.util.LinkedHashMap<>();
    static final int CHECKS_KEPT = 32;

    /** Where state checks are digested: on the apply thread unless {@link #digestOn} says otherwise. */
    private java.util.concurrent.Executor digester = Runnable::run;

    /**
     * The digest ({@link io.agentd.statemachine.store.StoreDigest}) of this replica's store right
     * after it applied the entry at {@code index}; {@code error} instead when it could not be taken.
     */
    public record StateCheck(String id, long index, long revision, String digest, String error) {
    }

    public Replica(DurableStore store) {
        this.store = store;
        reload();
    }

    private void reload() {
        this.state = ClusterState.load(store);
        this.applier = new Applier(state);
        this.applied = store.applied();
    }

    public ClusterState state() {
        return state;
    }

    public AppliedIndex lastApplied() {
        return applied;
    }

    /**
     * Applies the entry at (term, index) and makes it durable. An entry at or below the
     * applied index was applied before a restart and is skipped (returns null). An empty
     * payload is a no-op entry that only advances the applied index.
     */
    public List<Reply> apply(long term, long index, long leaderTimeMillis, byte[] payload) {
        if (index <= applied.index()) {
            return null;
        }
        changes.clear();
        List<Reply> replies = payload.length == 0 ? List.of() : applier.apply(payload, term, leaderTimeMillis, changes);
        AppliedIndex at = new AppliedIndex(term, index);
        store.commit(changes, at);
        applied = at;
        changes.clear();
        for (String id : state.takeChecks()) {
            digest(id, index, state.revision());
        }
        return replies;
    }

    /**
     * Digests state checks on {@code executor} from now on: the apply thread only freezes the store
     * (a RocksDB snapshot) and goes on; hashing a large registry takes a while.
     */
    public void digestOn(java.util.concurrent.Executor executor) {
        this.digester = java.util.Objects.requireNonNull(executor);
    }

    private void digest(String id, long index, long revision) {
        DurableStore.Frozen frozen = store.freeze();
        digester.execute(() -> {
            try (frozen) {
                recordCheck(new StateCheck(id, index, revision,
                        io.agentd.statemachine.store.StoreDigest.sha256(frozen), null));
            } catch (RuntimeException e) {
                recordCheck(new StateCheck(id, index, revision, null, "no digest: " + e.getMessage()));
            }
        });
    }

    private void recordCheck(StateCheck c) {
        synchronized (checks) {
            checks.put(c.id(), c);
            while (checks.size() > CHECKS_KEPT) {
                checks.remove(checks.keySet().iterator().next());
            }
        }
    }

    /**
     * The state check taken under {@code id}, or null when this replica has not applied it (or
     * has not finished its digest, or forgot it). Any thread.
     */
    public StateCheck check(String id) {
        synchronized (checks) {
            return checks.get(id);
        }
    }

    /** Visits the audit trail kept in the store, oldest first (the caller excludes apply meanwhile). */
    public void auditTrail(java.util.function.Consumer<io.agentd.statemachine.model.AuditRecord> visitor) {
        store.scan(io.agentd.statemachine.store.Table.AUDIT,
                (k, v) -> visitor.accept(io.agentd.statemachine.codec.EntityCodec.audit(v)));
    }

    /** {@link DurableStore#prepareCheckpoint}: a checkpoint is coming soon. */
    public void prepareCheckpoint() {
        store.prepareCheckpoint();
    }

    public void checkpoint(Path dir) throws IOException {
        store.checkpoint(dir);
    }

    /** Replaces everything with a checkpoint and reloads the registry from it. */
    public void restore(Path dir) throws IOException {
        store.restoreFrom(dir);
        reload();
    }
}
