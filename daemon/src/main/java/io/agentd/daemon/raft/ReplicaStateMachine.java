package io.agentd.daemon.raft;

import io.agentd.statemachine.store.AppliedIndex;

/**
 * The replicated state as the Raft layer sees it. {@link RaftNode} calls every method from
 * Ratis' single state-machine thread, never concurrently with each other; reads of the state
 * by other threads are the implementation's business.
 *
 * <p>Snapshots are directories of plain files. Two rules come from how Ratis ships them to a
 * follower: a snapshot must hold at least one regular file, and no file name may end in
 * {@code .md5} (Ratis writes an MD5 sidecar next to every file it receives). Empty
 * directories inside a snapshot are not shipped.
 */
public interface ReplicaStateMachine {
    /** Applied index recorded durably; Ratis must replay entries after it at start. */
    AppliedIndex lastApplied();

    /** Applies one committed entry, serially, in log order, on every replica. leaderTimeMillis is the
     *  leader's wall clock stamped into the entry when the leader started the transaction. Returns the answer
     *  for the client that submitted it, on every replica: Ratis keeps it in its retry cache, and a client
     *  whose leader died retries at the next one, which applied the entry as a follower and answers the retry
     *  from that cache. Must be deterministic (the answer included). May be called with an index <= lastApplied() after a restart: the
     *  implementation skips those. Throws only on invariant/I/O failure (the node must stop). */
    Answer apply(long term, long index, long leaderTimeMillis, byte[] payload);

    /** A snapshot is due soon (Ratis takes one every snapshot-threshold applied entries): start in the background
     *  what writeSnapshot would otherwise do on the apply thread. Called on the apply thread; must not block and
     *  must change nothing apply or a snapshot sees. */
    default void prepareSnapshot() {
    }

    /** Writes a consistent snapshot of the state at lastApplied() into dir (which does not exist yet): a set of files. */
    void writeSnapshot(java.nio.file.Path dir) throws java.io.IOException;

    /** Replaces the whole state with the snapshot files in dir (written by writeSnapshot, maybe on another node).
     *  Afterwards lastApplied() is {@code at}. The files in dir must be left as they are: they remain this node's
     *  latest snapshot and may be sent on to other followers; and dir is deleted once newer snapshots replace it,
     *  so copy or hard-link whatever the live state keeps using. */
    void installSnapshot(java.nio.file.Path dir, AppliedIndex at) throws java.io.IOException;
}
