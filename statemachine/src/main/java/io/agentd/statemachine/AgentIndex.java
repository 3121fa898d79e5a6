package io.agentd.statemachine;

import io.agentd.statemachine.model.Agent;
import io.agentd.statemachine.model.AgentKey;

/**
 * Something derived from the agents that {@link AgentTable} keeps in step with them. Apply and a
 * load go through the same {@link #add}: apply one agent at a time as agents change, a load every
 * stored agent once between {@link #beginLoad} and {@link #endLoad}. So what an agent contributes
 * to an index is decided in one place, and a loaded state's indexes are those apply would have.
 *
 * <p>Not thread-safe: called by the apply thread, or by the loading thread before the state is
 * handed to anyone.
 */
interface AgentIndex {
    /**
     * Counts an agent in. {@code key} is its key, the instance the agent table holds: an index
     * that keeps keys keeps that one, so a million agents do not cost a million more keys.
     */
    void add(Agent a, AgentKey key);

    /** Counts out an agent that {@link #add} counted in, given as it was then. */
    void remove(Agent a);

    /**
     * A load begins on an empty index: until {@link #endLoad} only {@link #add} is called, once per
     * agent, in the store's order (ascending key order for every name the API accepts). An index may
     * collect what it is given and build its sorted structures at the end, in linear time when they
     * come in order (see {@link SortedArrays}).
     */
    default void beginLoad() {
    }

    /** The load is over: the index answers as if each agent had been added one at a time. */
    default void endLoad() {
    }
}
