package io.agentd.statemachine.model;

/** Namespace + name; sorts by namespace, then name. */
public record AgentKey(String namespace, String name) implements Comparable<AgentKey> {
    @Override
    public int compareTo(AgentKey o) {
        int c = namespace.compareTo(o.namespace);
        return c != 0 ? c : name.compareTo(o.name);
    }

    @Override
    public String toString() {
        return namespace + "/" + name;
    }
}
