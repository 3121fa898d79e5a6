package io.agentd.statemachine;

import io.agentd.statemachine.codec.CommandCodec;
import io.agentd.statemachine.command.Command;
import io.agentd.statemachine.command.Envelope;
import io.agentd.statemachine.command.Reply;
import io.agentd.statemachine.model.Agent;
import io.agentd.statemachine.model.AgentSpec;
import io.agentd.statemachine.model.AgentState;
import io.agentd.statemachine.model.Assignment;
import io.agentd.statemachine.model.RestartPolicy;
import io.agentd.statemachine.store.MemoryStore;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.List;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** Failed agents placed again after a failure, restarts counted, and the assignment history. */
class RescheduleProperties {
    private long index;

    private Reply apply(Replica r, Command c) {
        return r.apply(1, ++index, 1_000 + index, CommandCodec.encode(new Envelope(null, "t", c))).get(0);
    }

    private static AgentSpec spec(RestartPolicy p) {
        return new AgentSpec("/bin/false", List.of(), new TreeMap<>(), null, 1, new TreeMap<>(), new TreeMap<>(), p);
    }

    @Property(tries = 30)
    void aFailedAgentMovesToAnotherWorkerWithALargerToken(@ForAll @IntRange(min = 1, max = 4) int workers,
                                                         @ForAll @IntRange(min = 0, max = 5) int restarts) {
        Replica r = new Replica(new MemoryStore());
        for (int i = 1; i <= workers; i++) {
            apply(r, new Command.RegisterWorker("w" + i, "a:" + i, "", new TreeMap<>(), 4));
        }
        apply(r, new Command.SpawnAgent("default", "f", spec(RestartPolicy.ON_FAILURE)));
        Agent a = r.state().agent("default", "f");
        String first = a.worker();
        long token = a.fencingToken();
        apply(r, new Command.ReportStatus("default", "f", token, AgentState.RUNNING, 1, null, restarts));
        assertThat(r.state().agent("default", "f").restarts()).isEqualTo(restarts);
        assertThat(apply(r, new Command.ReportStatus("default", "f", token, AgentState.FAILED, 3, null, restarts))
                .isOk()).isTrue();
        Agent failed = r.state().agent("default", "f");
        assertThat(failed.state()).isEqualTo(AgentState.FAILED);
        assertThat(failed.exitCode()).isEqualTo(3);
        assertThat(failed.history()).containsExactly(
                new Assignment(first, token, restarts, failed.revision(), failed.updateTime(), "failed (exit 3)"));
        assertThat(r.state().failedToRun(10)).containsExactly(failed);

        // A decision made on an older revision does not apply.
        assertThat(apply(r, new Command.RescheduleAgent("default", "f", failed.revision() - 1, 1, 1)).isOk()).isFalse();
        assertThat(apply(r, new Command.RescheduleAgent("default", "f", failed.revision(), 1, 1)).isOk()).isTrue();
        Agent again = r.state().agent("default", "f");
        assertThat(again.state()).isEqualTo(AgentState.STARTING);
        assertThat(again.fencingToken()).isGreaterThan(token);
        assertThat(again.reschedules()).isEqualTo(1);
        assertThat(again.restarts()).isEqualTo(restarts);
        assertThat(again.instanceRestarts()).isZero();
        assertThat(again.exitCode()).as("the last exit stays visible").isEqualTo(3);
        if (workers > 1) {
            assertThat(again.worker()).isNotEqualTo(first);
        } else {
            assertThat(again.worker()).as("the only worker takes it back").isEqualTo(first);
        }
        assertThat(r.state().failedToRun(10)).isEmpty();
        // Restarts of the new instance add to the total.
        apply(r, new Command.ReportStatus("default", "f", again.fencingToken(), AgentState.RUNNING, 1, null, 2));
        assertThat(r.state().agent("default", "f").restarts()).isEqualTo(restarts + 2);
    }

    @Property(tries = 10)
    void neverAndStoppedAgentsAreNotCandidates(@ForAll RestartPolicy policy) {
        Replica r = new Replica(new MemoryStore());
        apply(r, new Command.RegisterWorker("w1", "a:1", "", new TreeMap<>(), 4));
        apply(r, new Command.SpawnAgent("default", "f", spec(policy)));
        long token = r.state().agent("default", "f").fencingToken();
        apply(r, new Command.ReportStatus("default", "f", token, AgentState.FAILED, 1, null));
        assertThat(r.state().failedToRun(10)).hasSize(policy == RestartPolicy.NEVER ? 0 : 1);
        apply(r, new Command.StopAgent("default", "f"));
        assertThat(r.state().failedToRun(10)).isEmpty();
        Agent stopped = r.state().agent("default", "f");
        assertThat(apply(r, new Command.RescheduleAgent("default", "f", stopped.revision(), 1, 1)).isOk()).isFalse();
    }

    @Property(tries = 5)
    void historyKeepsTheLastTenAssignments(@ForAll @IntRange(min = 11, max = 25) int moves) {
        Replica r = new Replica(new MemoryStore());
        apply(r, new Command.RegisterWorker("w1", "a:1", "", new TreeMap<>(), 4));
        apply(r, new Command.RegisterWorker("w2", "a:2", "", new TreeMap<>(), 4));
        apply(r, new Command.SpawnAgent("default", "m", spec(RestartPolicy.ALWAYS)));
        for (int i = 0; i < moves; i++) {
            Agent a = r.state().agent("default", "m");
            apply(r, new Command.ReportStatus("default", "m", a.fencingToken(), AgentState.RUNNING, null, null));
            apply(r, new Command.MigrateAgent("default", "m", null));
            apply(r, new Command.ReportStatus("default", "m", a.fencingToken(), AgentState.STOPPED, 0, null));
        }
        Agent a = r.state().agent("default", "m");
        assertThat(a.history()).hasSize(Agent.HISTORY);
        assertThat(a.history()).allSatisfy(h -> assertThat(h.outcome()).startsWith("migrating off"));
        assertThat(a.history().get(Agent.HISTORY - 1).fencingToken()).isLessThan(a.fencingToken());
        // The history survives encoding (snapshots and restarts read it back).
        byte[] encoded = io.agentd.statemachine.codec.EntityCodec.encode(a);
        assertThat(io.agentd.statemachine.codec.EntityCodec.agent(new io.agentd.statemachine.codec.WireReader(encoded)))
                .isEqualTo(a);
    }

    @Property(tries = 10)
    void healthIsFencedAndBelongsToTheCurrentInstance(@ForAll @IntRange(min = 0, max = 1) int moveFirst) {
        Replica r = new Replica(new MemoryStore());
        apply(r, new Command.RegisterWorker("w1", "a:1", "", new TreeMap<>(), 4));
        apply(r, new Command.RegisterWorker("w2", "a:2", "", new TreeMap<>(), 4));
        apply(r, new Command.SpawnAgent("default", "h", spec(RestartPolicy.ALWAYS)));
        Agent a = r.state().agent("default", "h");
        assertThat(apply(r, new Command.ReportHealth("default", "h", a.fencingToken(), "degraded", "step 2"))
                .isOk()).isTrue();
        Agent reported = r.state().agent("default", "h");
        assertThat(reported.health().status()).isEqualTo("degraded");
        assertThat(reported.health().progress()).isEqualTo("step 2");
        long rev = r.state().revision();
        // The same report again changes nothing; a bad word or a stale token is refused.
        apply(r, new Command.ReportHealth("default", "h", a.fencingToken(), "degraded", "step 2"));
        assertThat(r.state().revision()).isEqualTo(rev);
        assertThat(apply(r, new Command.ReportHealth("default", "h", a.fencingToken(), "fine", "")).isOk()).isFalse();
        assertThat(apply(r, new Command.ReportHealth("default", "h", a.fencingToken() + 1, "ok", "")).isOk()).isFalse();
        if (moveFirst == 1) {
            apply(r, new Command.ReportStatus("default", "h", a.fencingToken(), AgentState.RUNNING, null, null));
            apply(r, new Command.MigrateAgent("default", "h", null));
            apply(r, new Command.ReportStatus("default", "h", a.fencingToken(), AgentState.STOPPED, 0, null));
            Agent moved = r.state().agent("default", "h");
            assertThat(moved.fencingToken()).isGreaterThan(a.fencingToken());
            assertThat(moved.health()).as("a new instance has said nothing yet").isNull();
            assertThat(apply(r, new Command.ReportHealth("default", "h", a.fencingToken(), "ok", "")).isOk()).isFalse();
        }
    }
}
