package io.agentd.statemachine;

import io.agentd.statemachine.model.Agent;
import io.agentd.statemachine.model.AgentSpec;
import io.agentd.statemachine.model.AgentState;
import io.agentd.statemachine.model.DesiredState;
import io.agentd.statemachine.model.RestartPolicy;
import io.agentd.statemachine.store.ChangeSet;
import io.agentd.statemachine.store.Mutation;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.TreeMap;

/** Agents and change sets for the tables' unit tests, built directly (no apply). */
final class TestAgents {
    private TestAgents() {
    }

    static AgentSpec spec(int slots, RestartPolicy restart) {
        return new AgentSpec("/bin/sleep", List.of("10"), new TreeMap<>(), null, slots, new TreeMap<>(), new TreeMap<>(),
                restart);
    }

    /** An agent meant to run, pending (no worker) or starting on {@code worker} with token {@code id + 1}. */
    static Agent agent(String ns, String name, long id, String worker, int slots) {
        return agent(ns, name, id, worker == null ? AgentState.PENDING : AgentState.STARTING, DesiredState.RUNNING,
                worker, slots, RestartPolicy.ON_FAILURE);
    }

    static Agent agent(String ns, String name, long id, AgentState state, DesiredState desired, String worker, int slots,
                       RestartPolicy restart) {
        return new Agent(ns, name, id, spec(slots, restart), desired, state, worker, worker == null ? 0 : id + 1, null,
                null, 0, Collections.emptySortedMap(), id, id, 1_000, 1_000, null, null, 0, 0, 0, 0, List.of(), null);
    }

    /** The mutations of a change set as "table put|delete key" lines (keys as text, prefix bytes included). */
    static List<String> described(ChangeSet cs) {
        return cs.mutations().stream().map(TestAgents::describe).toList();
    }

    private static String describe(Mutation m) {
        String key = new String(m.key(), StandardCharsets.UTF_8).replace('\0', '/');
        return m.table().cfName() + (m.isDelete() ? " delete " : " put ") + key;
    }
}
