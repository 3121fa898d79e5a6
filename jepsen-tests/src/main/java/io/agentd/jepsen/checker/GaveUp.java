package io.agentd.jepsen.checker;

/** Why a search ended without a verdict. */
public enum GaveUp {
    TIME_BUDGET("the time budget ran out"),
    MEMORY("the heap was nearly full"),
    CANCELLED("the check was cancelled"),
    NOT_NEEDED("not needed: another key already failed");

    private final String description;

    GaveUp(String description) {
        this.description = description;
    }

    @Override
    public String toString() {
        return description;
    }
}
