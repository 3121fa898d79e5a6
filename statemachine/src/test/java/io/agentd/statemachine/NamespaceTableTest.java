package io.agentd.statemachine;

import io.agentd.statemachine.model.Agent;
import io.agentd.statemachine.model.AgentState;
import io.agentd.statemachine.model.DesiredState;
import io.agentd.statemachine.model.Namespace;
import io.agentd.statemachine.model.Quota;
import io.agentd.statemachine.model.RestartPolicy;
import io.agentd.statemachine.store.ChangeSet;
import org.junit.jupiter.api.Test;

import static io.agentd.statemachine.TestAgents.agent;
import static org.assertj.core.api.Assertions.assertThat;

class NamespaceTableTest {
    private final NamespaceTable namespaces = new NamespaceTable();

    @Test
    void usageCountsEveryAgentButOnlyTheSlotsOfThoseMeantToRun() {
        Agent running = agent("team-a", "r", 1, "w1", 3);
        Agent stopped = agent("team-a", "s", 2, AgentState.STOPPED, DesiredState.STOPPED, null, 2, RestartPolicy.NEVER);
        Agent pending = agent("team-a", "p", 3, null, 1);
        namespaces.add(running, running.key());
        namespaces.add(stopped, stopped.key());
        namespaces.add(pending, pending.key());
        assertThat(namespaces.usage("team-a")).containsExactly(3, 4);

        namespaces.remove(running);
        assertThat(namespaces.usage("team-a")).containsExactly(2, 1);
        assertThat(namespaces.usage("team-b")).as("a namespace without agents").containsExactly(0, 0);
    }

    @Test
    void usageIsACopy() {
        Agent a = agent("team-a", "r", 1, null, 2);
        namespaces.add(a, a.key());
        namespaces.usage("team-a")[0] = 99;
        assertThat(namespaces.usage("team-a")).containsExactly(1, 2);
    }

    @Test
    void aRestoredNamespaceIsWrittenOnlyWhenAllArePersisted() {
        ChangeSet changes = new ChangeSet();
        namespaces.restore(new Namespace("default", Quota.UNLIMITED, 0, 0));
        namespaces.put(new Namespace("team-b", Quota.UNLIMITED, 4, 4), changes);
        assertThat(TestAgents.described(changes)).containsExactly("entities put Nteam-b");

        ChangeSet all = new ChangeSet();
        namespaces.persistAll(all);
        assertThat(TestAgents.described(all)).containsExactly("entities put Ndefault", "entities put Nteam-b");
        assertThat(namespaces.all()).extracting(Namespace::name).containsExactly("default", "team-b");
    }
}
