package io.agentd.jepsen.checker;

/** The outcome of a linearizability check. */
public enum Verdict {
    LINEARIZABLE,
    NOT_LINEARIZABLE,
    /** The time budget ran out or the check was cancelled before the search finished. */
    UNKNOWN;

    /** Combines the verdicts of independent parts: one failure decides; otherwise any unknown does. */
    static Verdict combine(Verdict a, Verdict b) {
        if (a == NOT_LINEARIZABLE || b == NOT_LINEARIZABLE) {
            return NOT_LINEARIZABLE;
        }
        return a == UNKNOWN || b == UNKNOWN ? UNKNOWN : LINEARIZABLE;
    }
}
