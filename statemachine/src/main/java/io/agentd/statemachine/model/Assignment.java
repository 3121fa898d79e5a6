package io.agentd.statemachine.model;

import java.util.Objects;

/**
 * One past assignment of an agent, kept for {@code describe}: where it ran, under which fencing
 * token, how many times its worker restarted it, and how the assignment ended (at the log
 * revision and time of {@code endRevision}/{@code endTime}).
 */
public record Assignment(String worker, long fencingToken, int restarts, long endRevision, long endTime,
                         String outcome) {
    public Assignment {
        Objects.requireNonNull(worker, "worker");
        Objects.requireNonNull(outcome, "outcome");
        if (fencingToken <= 0 || restarts < 0) {
            throw new IllegalArgumentException("assignment token must be > 0 and restarts >= 0");
        }
    }
}
