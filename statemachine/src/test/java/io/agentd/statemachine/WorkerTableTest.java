package io.agentd.statemachine;

import io.agentd.statemachine.model.Agent;
import io.agentd.statemachine.model.AgentKey;
import io.agentd.statemachine.model.Worker;
import io.agentd.statemachine.model.WorkerState;
import io.agentd.statemachine.store.ChangeSet;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.TreeMap;

import static io.agentd.statemachine.TestAgents.agent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WorkerTableTest {
    private final WorkerTable workers = new WorkerTable();

    private static Worker worker(String id, int capacity) {
        return new Worker(id, "127.0.0.1:7422", "z1", new TreeMap<>(), capacity, WorkerState.READY, 1, 1, 0);
    }

    @Test
    void assignedAgentsTakeTheirWorkersSlotsAndUnassignedOnesNone() {
        Agent a = agent("default", "a", 1, "w1", 2);
        Agent b = agent("default", "b", 2, "w1", 1);
        Agent c = agent("default", "c", 3, null, 3);
        for (Agent x : List.of(b, a, c)) {
            workers.add(x, x.key());
        }
        assertThat(workers.usedSlots("w1")).isEqualTo(3);
        assertThat(workers.agentsOn("w1")).containsExactly(a.key(), b.key());

        workers.remove(a);
        workers.remove(c);
        assertThat(workers.usedSlots("w1")).isEqualTo(1);
        workers.remove(b);
        assertThat(workers.usedSlots("w1")).isZero();
        assertThat(workers.agentsOn("w1")).isEmpty();
        StringBuilder sb = new StringBuilder();
        workers.fingerprintLoad(sb);
        assertThat(sb).as("a worker left without agents is as one that never had any").isEmpty();
    }

    @Test
    void aLoadGivenAgentsOutOfOrderAnswersAsAddsDo() {
        List<Agent> given = List.of(agent("b", "x", 1, "w2", 1), agent("a", "y", 2, "w2", 2), agent("a", "x", 3, "w1", 1),
                agent("c", "z", 4, null, 1));
        WorkerTable added = new WorkerTable();
        given.forEach(a -> added.add(a, a.key()));
        workers.beginLoad();
        given.forEach(a -> workers.add(a, a.key()));
        workers.endLoad();

        assertThat(workers.agentsOn("w2")).containsExactly(new AgentKey("a", "y"), new AgentKey("b", "x"));
        StringBuilder loaded = new StringBuilder();
        workers.fingerprintLoad(loaded);
        StringBuilder expected = new StringBuilder();
        added.fingerprintLoad(expected);
        assertThat(loaded.toString()).isEqualTo(expected.toString());
        assertThatThrownBy(workers::beginLoad).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void writesCountStoredWorkersNotRestoredOnes() {
        ChangeSet changes = new ChangeSet();
        workers.restore(worker("w0", 1));
        workers.put(worker("w1", 4), changes);
        workers.put(worker("w1", 5), changes);
        assertThat(workers.writes()).isEqualTo(2);
        assertThat(workers.get("w1").capacitySlots()).isEqualTo(5);
        assertThat(workers.all()).extracting(Worker::id).containsExactly("w0", "w1");
        assertThat(TestAgents.described(changes)).containsExactly("entities put Ww1", "entities put Ww1");
    }
}
