package io.agentd.statemachine;

import io.agentd.statemachine.codec.CommandCodec;
import io.agentd.statemachine.command.Command;
import io.agentd.statemachine.command.Envelope;
import io.agentd.statemachine.command.Reply;
import io.agentd.statemachine.model.Agent;
import io.agentd.statemachine.model.AgentKey;
import io.agentd.statemachine.model.AgentSpec;
import io.agentd.statemachine.model.AgentState;
import io.agentd.statemachine.model.RestartPolicy;
import io.agentd.statemachine.model.WorkerState;
import io.agentd.statemachine.store.MemoryStore;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** Two-phase migration with checkpoint handoff, and draining built on it. */
class MigrationProperties {
    private long index;

    private Reply apply(Replica r, Command c) {
        return r.apply(1, ++index, 1_000 + index, CommandCodec.encode(new Envelope(null, "t", c))).get(0);
    }

    private static AgentSpec spec() {
        return new AgentSpec("/bin/sleep", List.of(), new TreeMap<>(), null, 1, new TreeMap<>(), new TreeMap<>(),
                RestartPolicy.ALWAYS);
    }

    @Property(tries = 50)
    void migrationHandsTheCheckpointToANewInstanceWithALargerToken(@ForAll @IntRange(min = 0, max = 1) int toTarget) {
        Replica r = new Replica(new MemoryStore());
        apply(r, new Command.RegisterWorker("w1", "a:1", "", new TreeMap<>(), 4));
        apply(r, new Command.SpawnAgent("default", "m", spec()));
        apply(r, new Command.RegisterWorker("w2", "a:2", "", new TreeMap<>(), 4));
        apply(r, new Command.RegisterWorker("w3", "a:3", "", new TreeMap<>(), 4));
        Agent a = r.state().agent("default", "m");
        assertThat(a.worker()).isEqualTo("w1");
        long oldToken = a.fencingToken();
        apply(r, new Command.ReportStatus("default", "m", oldToken, AgentState.RUNNING, null, null));
        String to = toTarget == 1 ? "w3" : null;
        assertThat(apply(r, new Command.MigrateAgent("default", "m", to)).isOk()).isTrue();
        assertThat(r.state().agent("default", "m").state()).isEqualTo(AgentState.MIGRATING);
        // Phase one: the old instance saves its checkpoint and stops.
        assertThat(apply(r, new Command.PutCheckpoint("default", "m", oldToken, "{\"step\":7}")).isOk()).isTrue();
        assertThat(apply(r, new Command.ReportStatus("default", "m", oldToken, AgentState.STOPPED, 0, null)).isOk()).isTrue();
        // Phase two: a new assignment, elsewhere, with a larger token and the checkpoint.
        Agent moved = r.state().agent("default", "m");
        assertThat(moved.state()).isEqualTo(AgentState.STARTING);
        assertThat(moved.worker()).isNotEqualTo("w1");
        if (to != null) {
            assertThat(moved.worker()).isEqualTo(to);
        }
        assertThat(moved.fencingToken()).isGreaterThan(oldToken);
        assertThat(moved.checkpoint()).isEqualTo("{\"step\":7}");
        // The old instance is fenced off: its reports and checkpoints are refused.
        assertThat(apply(r, new Command.PutCheckpoint("default", "m", oldToken, "late")).code())
                .isEqualTo(ErrorCode.FAILED_PRECONDITION);
        assertThat(apply(r, new Command.ReportStatus("default", "m", oldToken, AgentState.RUNNING, null, null)).code())
                .isEqualTo(ErrorCode.FAILED_PRECONDITION);
    }

    @Property(tries = 100)
    void drainingMovesEveryAgentOffAtMostNAtATime(@ForAll @IntRange(min = 1, max = 8) int agents,
                                                  @ForAll @IntRange(min = 1, max = 3) int parallel) {
        Replica r = new Replica(new MemoryStore());
        apply(r, new Command.RegisterWorker("w1", "a:1", "", new TreeMap<>(), 10));
        for (int i = 0; i < agents; i++) {
            apply(r, new Command.SpawnAgent("default", "d" + i, spec()));
        }
        apply(r, new Command.RegisterWorker("w2", "a:2", "", new TreeMap<>(), 10));
        assertThat(apply(r, new Command.DrainWorker("w1", parallel)).isOk()).isTrue();
        assertThat(r.state().worker("w1").state()).isEqualTo(WorkerState.DRAINING);
        for (int round = 0; round < 100 && !r.state().agentsOn("w1").isEmpty(); round++) {
            List<Agent> migrating = new ArrayList<>();
            for (AgentKey k : r.state().agentsOn("w1")) {
                Agent a = r.state().agent(k);
                if (a.state() == AgentState.MIGRATING) {
                    migrating.add(a);
                }
            }
            assertThat(migrating).hasSizeBetween(1, parallel);
            // The old worker stops one of them.
            Agent a = migrating.get(0);
            apply(r, new Command.ReportStatus(a.namespace(), a.name(), a.fencingToken(), AgentState.STOPPED, 0, null));
        }
        assertThat(r.state().agentsOn("w1")).isEmpty();
        assertThat(r.state().agentsOn("w2")).hasSize(agents);
        // Nothing new lands on a draining worker; undrain makes it ready again.
        apply(r, new Command.SpawnAgent("default", "late", spec()));
        assertThat(r.state().agent("default", "late").worker()).isEqualTo("w2");
        apply(r, new Command.UndrainWorker("w1"));
        assertThat(r.state().worker("w1").state()).isEqualTo(WorkerState.READY);
    }
}
