package io.agentd.statemachine;

import io.agentd.statemachine.model.Agent;
import io.agentd.statemachine.model.AgentKey;
import io.agentd.statemachine.model.AgentState;
import io.agentd.statemachine.model.DesiredState;
import io.agentd.statemachine.model.RestartPolicy;
import io.agentd.statemachine.store.ChangeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

import static io.agentd.statemachine.TestAgents.agent;
import static org.assertj.core.api.Assertions.assertThat;

/** The agent table and the indexes it keeps in step, without apply. */
class AgentTableTest {
    private final NamespaceTable namespaces = new NamespaceTable();
    private final WorkerTable workers = new WorkerTable();
    private final AgentTable agents = new AgentTable(namespaces, workers);
    private final ChangeSet changes = new ChangeSet();

    @Test
    void thePendingQueueIsInSpawnOrderNotNameOrder() {
        agents.put(agent("default", "b", 5, null, 1), changes);
        agents.put(agent("default", "a", 7, null, 1), changes);
        agents.put(agent("default", "c", 6, "w1", 1), changes); // placed: not waiting

        assertThat(agents.pendingQueue()).containsExactly(new AgentKey("default", "b"), new AgentKey("default", "a"));
        assertThat(agents.pendingCount()).isEqualTo(2);
    }

    @Test
    void aChangeMovesTheAgentBetweenEveryIndex() {
        Agent pending = agent("team-a", "x", 3, null, 2);
        agents.put(pending, changes);
        assertThat(agents.pendingCount()).isEqualTo(1);
        assertThat(workers.usedSlots("w1")).isZero();

        Agent placed = pending.with(DesiredState.RUNNING, AgentState.STARTING, "w1", 9, null, null, 9, 2_000);
        agents.put(placed, changes);
        assertThat(agents.pendingCount()).isZero();
        assertThat(workers.usedSlots("w1")).isEqualTo(2);
        assertThat(workers.agentsOn("w1")).containsExactly(new AgentKey("team-a", "x"));
        assertThat(namespaces.usage("team-a")).containsExactly(1, 2);
        assertThat(agents.count()).isEqualTo(1);

        Agent failed = placed.with(DesiredState.RUNNING, AgentState.FAILED, null, 0, null, 1, 10, 3_000);
        agents.put(failed, changes);
        assertThat(workers.usedSlots("w1")).isZero();
        assertThat(workers.agentsOn("w1")).isEmpty();
        assertThat(agents.failedToRun(10)).containsExactly(failed);
        assertThat(namespaces.usage("team-a")).as("still meant to run: its slots stay counted").containsExactly(1, 2);

        agents.remove(failed.key(), changes);
        assertThat(agents.get(failed.key())).isNull();
        assertThat(agents.failedToRun(10)).isEmpty();
        assertThat(namespaces.usage("team-a")).containsExactly(0, 0);
        assertThat(TestAgents.described(changes)).containsExactly("entities put Ateam-a/x", "entities put Ateam-a/x",
                "entities put Ateam-a/x", "entities delete Ateam-a/x");
    }

    @Test
    void onlyFailedUnassignedAgentsMeantToRunWithARestartPolicyAreRescheduleCandidates() {
        agents.put(agent("default", "never", 1, AgentState.FAILED, DesiredState.RUNNING, null, 1, RestartPolicy.NEVER), changes);
        agents.put(agent("default", "stopped", 2, AgentState.FAILED, DesiredState.STOPPED, null, 1, RestartPolicy.ALWAYS), changes);
        agents.put(agent("default", "running", 3, AgentState.RUNNING, DesiredState.RUNNING, "w1", 1, RestartPolicy.ALWAYS), changes);
        agents.put(agent("default", "yes-2", 5, AgentState.FAILED, DesiredState.RUNNING, null, 1, RestartPolicy.ALWAYS), changes);
        agents.put(agent("default", "yes-1", 4, AgentState.FAILED, DesiredState.RUNNING, null, 1, RestartPolicy.ON_FAILURE), changes);

        assertThat(agents.failedToRun(10)).extracting(Agent::name).containsExactly("yes-1", "yes-2");
        assertThat(agents.failedToRun(1)).extracting(Agent::name).containsExactly("yes-1");
    }

    @Test
    void aNamespaceListingHoldsThatNamespaceOnlyAndPagesAfterAKey() {
        for (String ns : List.of("team", "team-a", "team\u0001")) {
            for (String name : List.of("a", "b", "c")) {
                agents.put(agent(ns, name, agents.count() + 1, null, 1), changes);
            }
        }
        assertThat(agents.list("team", null, a -> true, 10)).extracting(Agent::name).containsExactly("a", "b", "c");
        assertThat(agents.list("team", new AgentKey("team", "a"), a -> true, 10)).extracting(Agent::name)
                .containsExactly("b", "c");
        assertThat(agents.list(null, null, a -> a.name().equals("c"), 2)).extracting(Agent::namespace)
                .containsExactly("team", "team\u0001");
        assertThat(agents.list("nobody", null, a -> true, 10)).isEmpty();
    }

    /**
     * A load builds the tables that putting the same agents one at a time builds, whether the store
     * hands them over in key order (the linear-time path) or not (one by one).
     */
    @Property(tries = 300)
    void aLoadEqualsPuttingEachAgent(@ForAll("agents") List<Agent> generated, @ForAll boolean shuffled,
                                     @ForAll long seed) {
        TreeMap<AgentKey, Agent> unique = new TreeMap<>();
        generated.forEach(a -> unique.put(a.key(), a));
        List<Agent> inKeyOrder = new ArrayList<>(unique.values());
        List<Agent> given = new ArrayList<>(inKeyOrder);
        if (shuffled) {
            Collections.shuffle(given, new Random(seed));
        }
        // jqwik runs every try on one instance: tables of this try only.
        NamespaceTable putNamespaces = new NamespaceTable();
        WorkerTable putWorkers = new WorkerTable();
        AgentTable put = new AgentTable(putNamespaces, putWorkers);
        for (Agent a : given) {
            put.put(a, new ChangeSet());
        }
        NamespaceTable loadedNamespaces = new NamespaceTable();
        WorkerTable loadedWorkers = new WorkerTable();
        AgentTable loaded = new AgentTable(loadedNamespaces, loadedWorkers);
        loaded.load(given);

        assertThat(dump(loaded, loadedNamespaces, loadedWorkers)).isEqualTo(dump(put, putNamespaces, putWorkers));
        assertThat(loaded.list(null, null, a -> true, Integer.MAX_VALUE)).containsExactlyElementsOf(inKeyOrder);
        for (Agent a : given) {
            assertThat(loaded.get(a.key())).isSameAs(a);
        }
    }

    private static String dump(AgentTable agents, NamespaceTable namespaces, WorkerTable workers) {
        StringBuilder sb = new StringBuilder();
        agents.fingerprint(sb);
        namespaces.fingerprintUsage(sb);
        workers.fingerprintLoad(sb);
        agents.fingerprintQueues(sb);
        agents.fingerprintLookUp(sb);
        return sb.toString();
    }

    @Provide
    Arbitrary<List<Agent>> agents() {
        Arbitrary<Agent> agent = Combinators.combine(
                Arbitraries.of("default", "team-a", "team-b"),
                Arbitraries.strings().withCharRange('a', 'e').ofMinLength(1).ofMaxLength(3),
                Arbitraries.longs().between(1, 500),
                Arbitraries.of(AgentState.PENDING, AgentState.STARTING, AgentState.RUNNING, AgentState.STOPPED,
                        AgentState.FAILED),
                Arbitraries.of(DesiredState.class),
                Arbitraries.of("w1", "w2", "w3").injectNull(0.4),
                Arbitraries.integers().between(1, 3),
                Arbitraries.of(RestartPolicy.class)
        ).as((ns, name, id, state, desired, worker, slots, restart) ->
                agent(ns, name, id, state, desired, state.onWorker() ? worker : null, slots, restart));
        // Ids are unique in a registry (they are spawn revisions): keep the first agent of each id.
        return agent.list().ofMaxSize(60).uniqueElements(Agent::id);
    }
}
