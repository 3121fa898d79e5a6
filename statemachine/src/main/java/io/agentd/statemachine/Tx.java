package io.agentd.statemachine;

import io.agentd.statemachine.model.Event;
import io.agentd.statemachine.model.EventType;

/**
 * The context of one command being applied: its revision, the log time, and the
 * events it emits (numbered within the revision).
 */
final class Tx {
    final ClusterState state;
    final long revision;
    final long time;
    private int eventSeq;

    Tx(ClusterState state, long revision, long time) {
        this.state = state;
        this.revision = revision;
        this.time = time;
    }

    void event(EventType type, String namespace, String name, String worker, String detail) {
        state.appendEvent(new Event(revision, eventSeq++, time, type, namespace, name, worker, detail));
    }
}
