package io.agentd.daemon.raft;

/**
 * A request to the Raft layer failed. The subclasses say why in a way a caller can act on
 * ({@link RaftUnavailableException}: try later or elsewhere; {@link RaftTimeoutException}: the
 * outcome is unknown). This class itself is used for failures that fit neither, which are bugs
 * or a state machine that refused the entry.
 */
public class RaftException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RaftException(String message, Throwable cause) {
        super(message, cause);
    }
}
