package io.agentd.daemon.raft;

/**
 * The write was refused before it was submitted, or by the leader before it was appended,
 * because too many writes are pending: it was not applied, and may be sent again shortly.
 */
public final class RaftOverloadedException extends RaftException {
    private static final long serialVersionUID = 1L;

    public RaftOverloadedException(String message, Throwable cause) {
        super(message, cause);
    }
}
