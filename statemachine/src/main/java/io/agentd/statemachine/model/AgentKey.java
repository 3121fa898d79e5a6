package io.agentd.statemachine.model;

import java.util.Comparator;

/** Namespace + name; sorts by namespace, then name. */
public record AgentKey(String namespace, String name) implements Comparable<AgentKey> {
    private static final Comparator<AgentKey> ORDER =
            Comparator.comparing(AgentKey::namespace).thenComparing(AgentKey::name);

    @Override
    public int compareTo(AgentKey o) {
        return ORDER.compare(this, o);
    }

    @Override
    public String toString() {
        return namespace + "/" + name;
    }
}
