package io.agentd.daemon.coordinator;

/** This node cannot do what only the leader does (grant a lease renewal); the API answers 503. */
public final class NotLeaderException extends RuntimeException {
    public NotLeaderException(String message) {
        super(message, null, false, false);
    }
}
