package io.agentd.daemon.raft;

/**
 * What a node's leadership listeners hear: either that it leads in {@code term} (and has applied
 * every entry of earlier terms), or that it does not lead. A decision a leader makes from its own
 * soft state names that term, and the state machine accepts it only in an entry of that term.
 *
 * @param term the term this node leads in; 0 when it does not lead
 */
public record Leadership(long term) {
    /** This node does not lead. */
    public static final Leadership NONE = new Leadership(0);

    public Leadership {
        if (term < 0) {
            throw new IllegalArgumentException("a term is never negative, got " + term);
        }
    }

    public static Leadership leading(long term) {
        if (term <= 0) {
            throw new IllegalArgumentException("a leader's term is positive, got " + term);
        }
        return new Leadership(term);
    }

    public boolean leading() {
        return term > 0;
    }

    @Override
    public String toString() {
        return leading() ? "leading in term " + term : "not leading";
    }
}
