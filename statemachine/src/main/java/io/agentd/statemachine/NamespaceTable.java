package io.agentd.statemachine;

import io.agentd.statemachine.codec.EntityCodec;
import io.agentd.statemachine.model.Agent;
import io.agentd.statemachine.model.AgentKey;
import io.agentd.statemachine.model.DesiredState;
import io.agentd.statemachine.model.Namespace;
import io.agentd.statemachine.store.ChangeSet;
import io.agentd.statemachine.store.Table;

import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.TreeMap;

/**
 * The namespaces, and what their agents use of them: how many agents, and the slots of those
 * meant to run (what quotas limit). Usage is an {@link AgentIndex} over the agents.
 */
final class NamespaceTable implements AgentIndex {
    private final TreeMap<String, Namespace> byName = new TreeMap<>();
    /** Namespace -> {agents, slots}; read by name only, never iterated in apply. */
    private final HashMap<String, long[]> usage = new HashMap<>();

    Namespace get(String name) {
        return byName.get(name);
    }

    /** Every namespace, in name order. */
    Collection<Namespace> all() {
        return Collections.unmodifiableCollection(byName.values());
    }

    /** {agents, slots in use by agents that should run} of a namespace: a copy, zeros when it has none. */
    long[] usage(String namespace) {
        long[] u = usage.get(namespace);
        return u == null ? new long[] {0, 0} : u.clone();
    }

    /** Stores a new or changed namespace, and records it in {@code changes}. */
    void put(Namespace n, ChangeSet changes) {
        byName.put(n.name(), n);
        changes.put(Table.ENTITIES, Keys.namespace(n.name()), EntityCodec.encode(n));
    }

    /** Holds a namespace that is already stored (a load), or not yet (a new registry's default), writing nothing. */
    void restore(Namespace n) {
        byName.put(n.name(), n);
    }

    /** Records every namespace in {@code changes}: a new registry writes what it started with. */
    void persistAll(ChangeSet changes) {
        byName.values().forEach(n -> put(n, changes));
    }

    @Override
    public void add(Agent a, AgentKey key) {
        long[] u = usage.computeIfAbsent(a.namespace(), k -> new long[2]);
        u[0]++;
        if (a.desired() == DesiredState.RUNNING) {
            u[1] += a.spec().slots();
        }
    }

    @Override
    public void remove(Agent a) {
        long[] u = usage.get(a.namespace());
        u[0]--;
        if (a.desired() == DesiredState.RUNNING) {
            u[1] -= a.spec().slots();
        }
    }

    /** The namespaces, one line each, in name order. */
    void fingerprint(StringBuilder sb) {
        byName.values().forEach(n -> sb.append(n).append('\n'));
    }

    /** What {@link #usage} answers, by namespace name (zero as if absent). */
    void fingerprintUsage(StringBuilder sb) {
        new TreeMap<>(usage).forEach((k, v) -> {
            if (v[0] != 0 || v[1] != 0) {
                sb.append("usage ").append(k).append('=').append(v[0]).append('/').append(v[1]).append('\n');
            }
        });
    }
}
