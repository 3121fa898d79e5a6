package io.agentd.daemon.coordinator;

import io.agentd.statemachine.Names;

/**
 * Who asks for a change, and the request id that makes a retry of it safe.
 *
 * @param actor     recorded in the audit trail
 * @param requestId the client's Idempotency-Key, validated; null when it gave none
 */
public record Caller(String actor, String requestId) {
    public Caller {
        if (actor == null || actor.isEmpty()) {
            throw new IllegalArgumentException("a caller has an actor");
        }
        Names.requestId(requestId);
    }
}
