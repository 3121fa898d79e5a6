package io.agentd.statemachine.store;

/** The Raft term and index of the last log entry a replica has applied; (0, 0) when none. */
public record AppliedIndex(long term, long index) implements Comparable<AppliedIndex> {
    public static final AppliedIndex NONE = new AppliedIndex(0, 0);

    public AppliedIndex {
        if (term < 0 || index < 0) {
            throw new IllegalArgumentException("negative term or index: " + term + ", " + index);
        }
    }

    @Override
    public int compareTo(AppliedIndex o) {
        int c = Long.compare(index, o.index);
        return c != 0 ? c : Long.compare(term, o.term);
    }
}
