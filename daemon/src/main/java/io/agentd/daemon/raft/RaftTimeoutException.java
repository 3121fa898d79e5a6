package io.agentd.daemon.raft;

/**
 * The request did not complete within the request timeout. For a write the outcome is unknown:
 * it may be applied later.
 */
public class RaftTimeoutException extends RaftException {
    private static final long serialVersionUID = 1L;

    public RaftTimeoutException(String message, Throwable cause) {
        super(message, cause);
    }

    public RaftTimeoutException(String message) {
        super(message, null);
    }
}
