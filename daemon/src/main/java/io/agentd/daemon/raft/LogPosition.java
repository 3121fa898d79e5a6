package io.agentd.daemon.raft;

/**
 * Where a node's Raft log ends: the term and index of its last entry. Ordered as Raft orders
 * logs for a vote: the later last term wins, then the longer log.
 */
public record LogPosition(long term, long index) implements Comparable<LogPosition> {
    /** A log with no entry yet. */
    public static final LogPosition EMPTY = new LogPosition(0, -1);

    @Override
    public int compareTo(LogPosition o) {
        int byTerm = Long.compare(term, o.term);
        return byTerm != 0 ? byTerm : Long.compare(index, o.index);
    }
}
