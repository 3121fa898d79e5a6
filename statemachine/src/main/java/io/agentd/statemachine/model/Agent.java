package io.agentd.statemachine.model;

import java.util.Objects;
import java.util.SortedMap;

/**
 * An agent as the registry knows it. {@code migrateTo} is the requested target while
 * {@code migrating} (null: any other worker). {@code checkpoint} is the last state the agent
 * saved (null: none), handed to its next instance; {@code checkpointRevision} when it was saved. {@code worker} is null and {@code fencingToken} is 0
 * while unassigned; the fencing token is the revision of the assignment. Times are log
 * times in epoch milliseconds.
 */
public record Agent(String namespace, String name, long id, AgentSpec spec, DesiredState desired,
                    AgentState state, String worker, long fencingToken, String pendingReason,
                    Integer exitCode, int restarts, SortedMap<String, MetadataEntry> metadata,
                    long createRevision, long revision, long createTime, long updateTime, String migrateTo,
                    String checkpoint, long checkpointRevision) {
    public Agent {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(desired, "desired");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(metadata, "metadata");
        if ((worker == null) != (fencingToken == 0)) {
            throw new IllegalStateException("agent " + namespace + "/" + name + ": worker and token must be set together");
        }
    }

    public AgentKey key() {
        return new AgentKey(namespace, name);
    }

    public boolean assigned() {
        return worker != null;
    }

    /** A copy with a new state, assignment and pending reason, stamped with rev and time. */
    /** A copy with a new state, assignment and pending reason, stamped with rev and time. */
    public Agent with(DesiredState d, AgentState s, String w, long token, String reason, Integer exit, long rev, long time) {
        return new Agent(namespace, name, id, spec, d, s, w, token, reason, exit, restarts, metadata,
                createRevision, rev, createTime, time, s == AgentState.MIGRATING ? migrateTo : null, checkpoint,
                checkpointRevision);
    }

    public Agent withMetadata(SortedMap<String, MetadataEntry> md, long rev, long time) {
        return new Agent(namespace, name, id, spec, desired, state, worker, fencingToken, pendingReason, exitCode,
                restarts, md, createRevision, rev, createTime, time, migrateTo, checkpoint, checkpointRevision);
    }

    /** Marks the agent migrating off its worker, to {@code target} (null: anywhere else). */
    public Agent migrating(String target, long rev, long time) {
        return new Agent(namespace, name, id, spec, desired, AgentState.MIGRATING, worker, fencingToken, null,
                exitCode, restarts, metadata, createRevision, rev, createTime, time, target, checkpoint,
                checkpointRevision);
    }

    public Agent withCheckpoint(String data, long rev, long time) {
        return new Agent(namespace, name, id, spec, desired, state, worker, fencingToken, pendingReason, exitCode,
                restarts, metadata, createRevision, rev, createTime, time, migrateTo, data, rev);
    }
}
