package io.agentd.daemon.coordinator;

/** A valid token whose role or namespaces do not allow the request; the API answers 403. */
public final class Forbidden extends RuntimeException {
    public Forbidden(String message) {
        super(message, null, false, false);
    }
}
