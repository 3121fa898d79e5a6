package io.agentd.daemon.raft;

/**
 * The group cannot serve the request now: no leader is known, the leader could not be reached
 * before the retries ran out, this node is closed, or too many requests are already in flight.
 * A write that fails this way may still have been applied if it reached a leader before the
 * failure; exactly-once therefore belongs in the state machine (request ids), not here.
 */
public class RaftUnavailableException extends RaftException {
    private static final long serialVersionUID = 1L;

    public RaftUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public RaftUnavailableException(String message) {
        super(message, null);
    }
}
