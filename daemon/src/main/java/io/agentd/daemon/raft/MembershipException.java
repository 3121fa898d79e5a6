package io.agentd.daemon.raft;

/** A change of leadership or membership that was refused, and why. */
public final class MembershipException extends RaftException {
    /** What kind of refusal: the API maps each to a status. */
    public enum Kind {
        NOT_FOUND, BUSY, CONFLICT,
        /** The leader holds on to a former member of the id being added: a new leader takes it. */
        STALE_LEADER
    }

    private final Kind kind;

    public MembershipException(Kind kind, String message) {
        super(message, null);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
