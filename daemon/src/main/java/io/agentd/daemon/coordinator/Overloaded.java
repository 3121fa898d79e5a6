package io.agentd.daemon.coordinator;

/**
 * A request refused before it changed anything because a bound of this server is reached (its
 * queue of proposals, the requests it holds, a token's rate). The caller may send it again after
 * {@link #retryAfterSeconds()}; it was not applied.
 */
public final class Overloaded extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final long retryAfterSeconds;

    public Overloaded(String message, long retryAfterSeconds) {
        super(message, null, false, false);
        this.retryAfterSeconds = Math.max(1, retryAfterSeconds);
    }

    /** Whole seconds to wait before sending it again, at least 1. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
