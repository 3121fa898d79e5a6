package io.agentd.statemachine.model;

import io.agentd.statemachine.Rejection;

/** A namespace's limits; a null limit is unlimited. */
public record Quota(Long maxAgents, Long maxSlots) {
    public static final Quota UNLIMITED = new Quota(null, null);

    public Quota {
        if (maxAgents != null && maxAgents < 0) {
            throw Rejection.invalid("quota.maxAgents must be >= 0, got " + maxAgents);
        }
        if (maxSlots != null && maxSlots < 0) {
            throw Rejection.invalid("quota.maxSlots must be >= 0, got " + maxSlots);
        }
    }
}
