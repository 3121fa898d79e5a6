package io.agentd.statemachine.model;

public enum WorkerState implements WireEnum {
    READY(1, "ready"),
    DRAINING(2, "draining"),
    DOWN(3, "down");

    private final int wire;
    private final String word;

    WorkerState(int wire, String word) {
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
