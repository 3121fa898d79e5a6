package io.agentd.statemachine;

import io.agentd.statemachine.codec.EntityCodec;
import io.agentd.statemachine.model.Agent;
import io.agentd.statemachine.model.AgentKey;
import io.agentd.statemachine.model.AgentState;
import io.agentd.statemachine.model.DesiredState;
import io.agentd.statemachine.model.RestartPolicy;
import io.agentd.statemachine.store.ChangeSet;
import io.agentd.statemachine.store.Table;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The agents, and every index derived from them: its own queues (pending agents to place, failed
 * agents to reschedule) and the {@link AgentIndex}es of other tables it is given (namespace usage,
 * worker assignments). Each change of an agent goes through {@link #put} or {@link #remove}, which
 * move every index with it; a load goes through {@link #load}, which feeds the same indexes through
 * the same {@link AgentIndex#add}.
 */
final class AgentTable {
    private final TreeMap<AgentKey, Agent> inKeyOrder = new TreeMap<>();
    /**
     * The same agents by key, for look-ups only (a spawn, a read, a worker's report): one probe
     * instead of a descent of {@link #inKeyOrder}, which with a million agents is some twenty nodes
     * and a cache miss or more at each. Never iterated: order comes from {@link #inKeyOrder}.
     */
    private final HashMap<AgentKey, Agent> byKey = new HashMap<>();
    private final AgentQueue pending = new AgentQueue(AgentTable::waitsForPlacement);
    private final AgentQueue failed = new AgentQueue(AgentTable::rescheduleCandidate);
    /** Every index, in a fixed order: those given, then the queues. */
    private final AgentIndex[] indexes;

    /** A table that also keeps {@code derived} in step with its agents. */
    AgentTable(AgentIndex... derived) {
        indexes = new AgentIndex[derived.length + 2];
        System.arraycopy(derived, 0, indexes, 0, derived.length);
        indexes[derived.length] = pending;
        indexes[derived.length + 1] = failed;
    }

    /** An agent that should run and has no worker yet: placement's queue. */
    static boolean waitsForPlacement(Agent a) {
        return a.state() == AgentState.PENDING && a.desired() == DesiredState.RUNNING;
    }

    /** A failed agent that should run and that its policy would restart: a reschedule candidate. */
    static boolean rescheduleCandidate(Agent a) {
        return a.state() == AgentState.FAILED && a.desired() == DesiredState.RUNNING && !a.assigned()
                && a.spec().restart() != RestartPolicy.NEVER;
    }

    // ------------------------------------------------------------------ reads

    Agent get(AgentKey key) {
        return byKey.get(key);
    }

    int count() {
        return inKeyOrder.size();
    }

    /**
     * Agents in key order after {@code after} (null: from the start) matching the filter, at most
     * {@code limit}; namespace null = all.
     */
    List<Agent> list(String namespace, AgentKey after, Predicate<Agent> filter, int limit) {
        NavigableMap<AgentKey, Agent> range = inKeyOrder;
        if (namespace != null) {
            range = inKeyOrder.subMap(new AgentKey(namespace, ""), true, new AgentKey(namespace + "\0", ""), false);
        }
        if (after != null) {
            range = range.tailMap(after, false);
        }
        List<Agent> out = new ArrayList<>();
        for (Agent a : range.values()) {
            if (filter.test(a)) {
                out.add(a);
                if (out.size() >= limit) {
                    break;
                }
            }
        }
        return out;
    }

    /** Keys of the agents waiting for placement, oldest first. */
    Collection<AgentKey> pendingQueue() {
        return pending.keys();
    }

    int pendingCount() {
        return pending.size();
    }

    /** Reschedule candidates, oldest first, at most {@code limit}. */
    List<Agent> failedToRun(int limit) {
        List<Agent> out = new ArrayList<>();
        for (AgentKey k : failed.keys()) {
            if (out.size() >= limit) {
                break;
            }
            out.add(byKey.get(k));
        }
        return out;
    }

    // -------------------------------------------------------------- changes

    /** Stores a new or changed agent, moves every index with it, and records it in {@code changes}. */
    void put(Agent a, ChangeSet changes) {
        AgentKey key = a.key();
        Agent old = inKeyOrder.put(key, a);
        if (old != null) {
            key = inKeyOrder.ceilingKey(key); // the instance the map keeps, so the indexes share it
        }
        byKey.put(key, a);
        unindex(old);
        index(a, key);
        changes.put(Table.ENTITIES, Keys.agent(key), EntityCodec.encode(a));
    }

    /** Removes an agent (if there), takes it out of every index, and records the deletion in {@code changes}. */
    void remove(AgentKey key, ChangeSet changes) {
        Agent old = inKeyOrder.remove(key);
        byKey.remove(key);
        unindex(old);
        changes.delete(Table.ENTITIES, Keys.agent(key));
    }

    /** The one path by which an agent enters the indexes, in apply and in a load. */
    private void index(Agent a, AgentKey key) {
        for (AgentIndex ix : indexes) {
            ix.add(a, key);
        }
    }

    private void unindex(Agent a) {
        if (a == null) {
            return;
        }
        for (AgentIndex ix : indexes) {
            ix.remove(a);
        }
    }

    // ----------------------------------------------------------------- load

    /**
     * Holds the agents of a load, given in the store's key order, in an empty table, and builds
     * every index from them through {@link #index}. The store's byte order of agent keys is their
     * {@link AgentKey} order for every name the API accepts, so the sorted maps are built from
     * sorted arrays in linear time; were it ever not, entries go in one at a time (the same state,
     * only slower).
     */
    void load(List<Agent> inStoreOrder) {
        if (!inKeyOrder.isEmpty()) {
            throw new IllegalStateException("a load needs an empty agent table");
        }
        int n = inStoreOrder.size();
        Agent[] agents = inStoreOrder.toArray(new Agent[0]);
        AgentKey[] keys = new AgentKey[n];
        for (int i = 0; i < n; i++) {
            keys[i] = agents[i].key();
            byKey.put(keys[i], agents[i]);
        }
        SortedArrays.putAll(inKeyOrder, keys, agents, n);
        for (AgentIndex ix : indexes) {
            ix.beginLoad();
        }
        for (int i = 0; i < n; i++) {
            index(agents[i], keys[i]);
        }
        for (AgentIndex ix : indexes) {
            ix.endLoad();
        }
    }

    // --------------------------------------------------------- fingerprints

    /** The agents, one line each, in key order. */
    void fingerprint(StringBuilder sb) {
        inKeyOrder.values().forEach(a -> sb.append(a).append('\n'));
    }

    /** The queues, each in its order. */
    void fingerprintQueues(StringBuilder sb) {
        sb.append("pending ").append(pending).append('\n');
        sb.append("failed ").append(failed).append('\n');
    }

    /** A line if the look-up map does not hold exactly the ordered map's agents (it is never printed: its order is not defined). */
    void fingerprintLookUp(StringBuilder sb) {
        long astray = inKeyOrder.entrySet().stream().filter(e -> byKey.get(e.getKey()) != e.getValue()).count();
        if (astray != 0 || byKey.size() != inKeyOrder.size()) {
            sb.append("look-up map differs: ").append(astray).append(" agents, size ").append(byKey.size()).append('\n');
        }
    }
}
