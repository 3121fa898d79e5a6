package io.agentd.statemachine.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;

/**
 * An agent as the registry knows it. {@code migrateTo} is the requested target while
 * {@code migrating} (null: any other worker). {@code checkpoint} is the last state the agent
 * saved (null: none), handed to its next instance; {@code checkpointRevision} when it was saved. {@code worker} is null and {@code fencingToken} is 0
 * while unassigned; the fencing token is the revision of the assignment. Times are log
 * times in epoch milliseconds.
 *
 * <p>{@code restarts} counts every restart by a worker's supervisor over the agent's life;
 * {@code instanceRestarts} those of the current assignment. {@code reschedules} counts the
 * placements elsewhere after a failure since {@code rescheduleTime} (the last one). {@code history}
 * holds the last {@link #HISTORY} ended assignments, oldest first. {@code health} is what the
 * current instance last reported about itself (null: nothing yet).
 */
public record Agent(String namespace, String name, long id, AgentSpec spec, DesiredState desired,
                    AgentState state, String worker, long fencingToken, String pendingReason,
                    Integer exitCode, int restarts, SortedMap<String, MetadataEntry> metadata,
                    long createRevision, long revision, long createTime, long updateTime, String migrateTo,
                    String checkpoint, long checkpointRevision, int instanceRestarts, int reschedules,
                    long rescheduleTime, List<Assignment> history, Health health) {
    /** Ended assignments kept per agent. */
    public static final int HISTORY = 10;

    public Agent {
        Objects.requireNonNull(namespace, "namespace");
        // Equal values shared between agents: most of an agent's memory otherwise (bench/scale.sh).
        // Specs need no lookup here: every spec in the registry was decoded from a log entry or the
        // store, and EntityCodec hands out one instance per encoding (hashing a spec per agent
        // would be a cost on every load).
        namespace = Canonical.of(namespace);
        worker = Canonical.of(worker);
        pendingReason = Canonical.of(pendingReason);
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(desired, "desired");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(metadata, "metadata");
        history = List.copyOf(history);
        if (history.size() > HISTORY) {
            throw new IllegalStateException("agent " + namespace + "/" + name + ": history longer than " + HISTORY);
        }
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

    /**
     * A copy with a new state, assignment and pending reason, stamped with rev and time. When
     * the assignment changes, the old one goes into the history, ended by this transition.
     */
    public Agent with(DesiredState d, AgentState s, String w, long token, String reason, Integer exit, long rev, long time) {
        boolean same = worker != null && worker.equals(w) && token == fencingToken;
        List<Assignment> h = history;
        if (worker != null && !same) {
            h = appended(history, new Assignment(worker, fencingToken, instanceRestarts, rev, time,
                    outcome(s, w, reason, exit)));
        }
        return new Agent(namespace, name, id, spec, d, s, w, token, reason, exit, restarts, metadata,
                createRevision, rev, createTime, time, s == AgentState.MIGRATING ? migrateTo : null, checkpoint,
                checkpointRevision, same ? instanceRestarts : 0, reschedules, rescheduleTime, h, same ? health : null);
    }

    /** A copy counting the current instance's restarts as its worker reported them. */
    public Agent withRestarts(int nowInstanceRestarts) {
        int more = Math.max(0, nowInstanceRestarts - instanceRestarts);
        return new Agent(namespace, name, id, spec, desired, state, worker, fencingToken, pendingReason, exitCode,
                restarts + more, metadata, createRevision, revision, createTime, updateTime, migrateTo, checkpoint,
                checkpointRevision, instanceRestarts + more, reschedules, rescheduleTime, history, health);
    }

    /** A copy counting one more reschedule after a failure ({@code attempt} of the current series). */
    public Agent rescheduled(int attempt, long time) {
        return new Agent(namespace, name, id, spec, desired, state, worker, fencingToken, pendingReason, exitCode,
                restarts, metadata, createRevision, revision, createTime, updateTime, migrateTo, checkpoint,
                checkpointRevision, instanceRestarts, attempt, time, history, health);
    }

    /** A copy with what the current instance reports about itself, stamped with rev and time. */
    public Agent withHealth(Health h, long rev, long time) {
        return new Agent(namespace, name, id, spec, desired, state, worker, fencingToken, pendingReason, exitCode,
                restarts, metadata, createRevision, rev, createTime, time, migrateTo, checkpoint, checkpointRevision,
                instanceRestarts, reschedules, rescheduleTime, history, h);
    }

    /** The worker of the last ended assignment, or null. */
    public String lastWorker() {
        return history.isEmpty() ? null : history.get(history.size() - 1).worker();
    }

    private static String outcome(AgentState s, String newWorker, String reason, Integer exit) {
        String code = exit == null ? "" : " (exit " + exit + ")";
        return switch (s) {
            case FAILED -> "failed" + code;
            case STOPPED -> "stopped" + code;
            case PENDING -> reason == null ? "released" : reason;
            default -> newWorker == null ? s.word() : "moved to " + newWorker;
        };
    }

    private static List<Assignment> appended(List<Assignment> h, Assignment a) {
        List<Assignment> out = new ArrayList<>(Math.min(HISTORY, h.size() + 1));
        for (int i = Math.max(0, h.size() + 1 - HISTORY); i < h.size(); i++) {
            out.add(h.get(i));
        }
        out.add(a);
        return out;
    }

    public Agent withMetadata(SortedMap<String, MetadataEntry> md, long rev, long time) {
        return new Agent(namespace, name, id, spec, desired, state, worker, fencingToken, pendingReason, exitCode,
                restarts, md, createRevision, rev, createTime, time, migrateTo, checkpoint, checkpointRevision,
                instanceRestarts, reschedules, rescheduleTime, history, health);
    }

    /** Marks the agent migrating off its worker, to {@code target} (null: anywhere else). */
    public Agent migrating(String target, long rev, long time) {
        return new Agent(namespace, name, id, spec, desired, AgentState.MIGRATING, worker, fencingToken, null,
                exitCode, restarts, metadata, createRevision, rev, createTime, time, target, checkpoint,
                checkpointRevision, instanceRestarts, reschedules, rescheduleTime, history, health);
    }

    public Agent withCheckpoint(String data, long rev, long time) {
        return new Agent(namespace, name, id, spec, desired, state, worker, fencingToken, pendingReason, exitCode,
                restarts, metadata, createRevision, rev, createTime, time, migrateTo, data, rev, instanceRestarts,
                reschedules, rescheduleTime, history, health);
    }
}
