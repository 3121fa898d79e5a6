package io.agentd.statemachine.model;

/**
 * What a token may do. {@code admin}: everything. {@code operator}: agents, namespaces, workers
 * and quotas. {@code worker}: its own registration, heartbeats, reports, checkpoints and
 * assignments, for the one worker id it is bound to. {@code reader}: gets, lists, watches, events
 * and logs. Operators and readers may be scoped to namespaces.
 */
public enum Role implements WireEnum {
    ADMIN(1, "admin"),
    OPERATOR(2, "operator"),
    WORKER(3, "worker"),
    READER(4, "reader");

    private final int wire;
    private final String word;

    Role(int wire, String word) {
        this.wire = wire;
        this.word = word;
    }

    @Override
    public int wire() {
        return wire;
    }

    @Override
    public String word() {
        return word;
    }

    /** Whether tokens of this role may be limited to namespaces. */
    public boolean scopable() {
        return this == OPERATOR || this == READER;
    }
}
