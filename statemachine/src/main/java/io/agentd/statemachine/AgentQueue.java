package io.agentd.statemachine;

import io.agentd.statemachine.model.Agent;
import io.agentd.statemachine.model.AgentKey;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The agents in one condition (waiting to be placed, failed and to be rescheduled), oldest first:
 * by id, which is the revision that spawned the agent.
 */
final class AgentQueue implements AgentIndex {
    private final Predicate<Agent> member;
    private final TreeMap<Long, AgentKey> byId = new TreeMap<>();
    /** While loading: ids and keys of the members in the order given, built into {@link #byId} at the end. */
    private ArrayList<Long> loadIds;
    private ArrayList<AgentKey> loadKeys;

    /** A queue of the agents for which {@code member} holds (a pure function of the agent). */
    AgentQueue(Predicate<Agent> member) {
        this.member = member;
    }

    @Override
    public void add(Agent a, AgentKey key) {
        if (!member.test(a)) {
            return;
        }
        if (loadIds != null) {
            loadIds.add(a.id());
            loadKeys.add(key);
        } else {
            byId.put(a.id(), key);
        }
    }

    @Override
    public void remove(Agent a) {
        byId.remove(a.id());
    }

    @Override
    public void beginLoad() {
        if (!byId.isEmpty() || loadIds != null) {
            throw new IllegalStateException("a load needs an empty queue");
        }
        loadIds = new ArrayList<>();
        loadKeys = new ArrayList<>();
    }

    @Override
    public void endLoad() {
        // Ids ascend in the store's order when agents were spawned in name order (the usual bulk
        // registration); otherwise putAll puts them one at a time, with the same result.
        SortedArrays.putAll(byId, loadIds.toArray(new Long[0]), loadKeys.toArray(new AgentKey[0]), loadIds.size());
        loadIds = null;
        loadKeys = null;
    }

    /** The members' keys, oldest first. */
    Collection<AgentKey> keys() {
        return Collections.unmodifiableCollection(byId.values());
    }

    int size() {
        return byId.size();
    }

    /** {@code {id=namespace/name, ...}}, oldest first (for fingerprints). */
    @Override
    public String toString() {
        return byId.toString();
    }
}
