package io.agentd.statemachine;

import io.agentd.statemachine.codec.EntityCodec;
import io.agentd.statemachine.model.Agent;
import io.agentd.statemachine.model.AgentKey;
import io.agentd.statemachine.model.Worker;
import io.agentd.statemachine.store.ChangeSet;
import io.agentd.statemachine.store.Table;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The workers, and the agents assigned to each with the slots they take: placement's view of a
 * worker's load. The assignments are an {@link AgentIndex} over the agents.
 */
final class WorkerTable implements AgentIndex {
    private final TreeMap<String, Worker> byId = new TreeMap<>();
    private long writes;
    /** Worker id -> its agents in key order; read by id only, never iterated in apply. */
    private final HashMap<String, TreeSet<AgentKey>> agentsOn = new HashMap<>();
    /** Worker id -> slots its agents take; read by id only. */
    private final HashMap<String, Integer> usedSlots = new HashMap<>();
    /** While loading: each worker's agents in the order given, built into {@link #agentsOn} at the end. */
    private HashMap<String, ArrayList<AgentKey>> loading;

    Worker get(String id) {
        return byId.get(id);
    }

    /** Every worker, in id order. */
    Collection<Worker> all() {
        return Collections.unmodifiableCollection(byId.values());
    }

    /** How many times a worker was stored in this table (not replicated; see {@link ClusterState#workerWrites()}). */
    long writes() {
        return writes;
    }

    int usedSlots(String workerId) {
        return usedSlots.getOrDefault(workerId, 0);
    }

    /** The agents assigned to a worker, in key order (empty when none). */
    SortedSet<AgentKey> agentsOn(String workerId) {
        TreeSet<AgentKey> s = agentsOn.get(workerId);
        return s == null ? Collections.emptySortedSet() : Collections.unmodifiableSortedSet(s);
    }

    /** Stores a new or changed worker, and records it in {@code changes}. */
    void put(Worker w, ChangeSet changes) {
        byId.put(w.id(), w);
        writes++;
        changes.put(Table.ENTITIES, Keys.worker(w.id()), EntityCodec.encode(w));
    }

    /** Holds a worker read from the store, writing nothing. */
    void restore(Worker w) {
        byId.put(w.id(), w);
    }

    @Override
    public void add(Agent a, AgentKey key) {
        if (!a.assigned()) {
            return;
        }
        usedSlots.merge(a.worker(), a.spec().slots(), Integer::sum);
        if (loading != null) {
            loading.computeIfAbsent(a.worker(), k -> new ArrayList<>()).add(key);
        } else {
            agentsOn.computeIfAbsent(a.worker(), k -> new TreeSet<>()).add(key);
        }
    }

    @Override
    public void remove(Agent a) {
        if (!a.assigned()) {
            return;
        }
        TreeSet<AgentKey> s = agentsOn.get(a.worker());
        s.remove(a.key());
        if (s.isEmpty()) {
            agentsOn.remove(a.worker());
        }
        usedSlots.merge(a.worker(), -a.spec().slots(), Integer::sum);
    }

    @Override
    public void beginLoad() {
        if (!agentsOn.isEmpty() || !usedSlots.isEmpty() || loading != null) {
            throw new IllegalStateException("a load needs workers without agents");
        }
        loading = new HashMap<>();
    }

    @Override
    public void endLoad() {
        // Each worker's set is built on its own, so the order of this loop cannot matter.
        loading.forEach((worker, keys) -> {
            TreeSet<AgentKey> set = new TreeSet<>();
            SortedArrays.addAll(set, keys.toArray(new AgentKey[0]), keys.size());
            agentsOn.put(worker, set);
        });
        loading = null;
    }

    /** The workers, one line each, in id order. */
    void fingerprint(StringBuilder sb) {
        byId.values().forEach(w -> sb.append(w).append('\n'));
    }

    /** What {@link #usedSlots} and {@link #agentsOn} answer, by worker id (zero and empty as if absent). */
    void fingerprintLoad(StringBuilder sb) {
        new TreeMap<>(usedSlots).forEach((k, v) -> {
            if (v != 0) {
                sb.append("slots ").append(k).append('=').append(v).append('\n');
            }
        });
        new TreeMap<>(agentsOn).forEach((k, v) -> sb.append("on ").append(k).append('=').append(v).append('\n'));
    }
}
