package io.agentd.statemachine.model;

/** The observed state of an agent; the words are a public contract scripts rely on. */
public enum AgentState implements WireEnum {
    PENDING(1, "pending"),
    STARTING(2, "starting"),
    RUNNING(3, "running"),
    MIGRATING(4, "migrating"),
    STOPPING(5, "stopping"),
    STOPPED(6, "stopped"),
    FAILED(7, "failed");

    private final int wire;
    private final String word;

    AgentState(int wire, String word) {
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

    /** True while a worker holds (or may hold) a running copy of the agent. */
    public boolean onWorker() {
        return this == STARTING || this == RUNNING || this == MIGRATING || this == STOPPING;
    }
}
