package io.agentd.daemon.coordinator;

/** A request without a valid token (none, unknown, expired, revoked); the API answers 401 and says no more. */
public final class Unauthenticated extends RuntimeException {
    public Unauthenticated(String message) {
        super(message, null, false, false);
    }
}
