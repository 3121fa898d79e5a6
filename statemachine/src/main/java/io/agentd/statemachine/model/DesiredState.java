package io.agentd.statemachine.model;

public enum DesiredState implements WireEnum {
    RUNNING(1, "running"),
    STOPPED(2, "stopped"),
    DELETED(3, "deleted");

    private final int wire;
    private final String word;

    DesiredState(int wire, String word) {
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
}
