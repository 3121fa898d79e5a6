package io.agentd.statemachine.model;

public enum RestartPolicy implements WireEnum {
    ALWAYS(1, "always"),
    ON_FAILURE(2, "on-failure"),
    NEVER(3, "never");

    private final int wire;
    private final String word;

    RestartPolicy(int wire, String word) {
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
