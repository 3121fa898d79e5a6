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
import io.agentd.statemachine.model.Worker;
import io.agentd.statemachine.model.WorkerState;
import io.agentd.statemachine.store.MemoryStore;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** When a worker's lease expires, its agents move on with larger fencing tokens. */
class ExpiryProperties {
    private long index;

    private Reply apply(Replica r, Command c) {
        return r.apply(1, ++index, 1_000 + index, CommandCodec.encode(new Envelope(null, "t", c))).get(0);
    }

    private static AgentSpec spec(int slots) {
        return new AgentSpec("/bin/sleep", List.of(), new TreeMap<>(), null, slots, new TreeMap<>(), new TreeMap<>(),
                RestartPolicy.ALWAYS);
    }

    @Property(tries = 200)
    void expiredWorkersAgentsMoveWithLargerTokensOrWait(@ForAll @IntRange(min = 0, max = 8) int cap1,
                                                       @ForAll @IntRange(min = 0, max = 8) int cap2,
                                                       @ForAll @IntRange(min = 1, max = 10) int agents,
                                                       @ForAll @IntRange(min = 1, max = 3) int slots) {
        Replica r = new Replica(new MemoryStore());
        apply(r, new Command.RegisterWorker("w1", "a:1", "", new TreeMap<>(), cap1));
        for (int i = 0; i < agents; i++) {
            assertThat(apply(r, new Command.SpawnAgent("default", "a" + i, spec(slots))).isOk()).isTrue();
        }
        apply(r, new Command.RegisterWorker("w2", "a:2", "", new TreeMap<>(), cap2));
        Map<AgentKey, Long> before = new HashMap<>();
        for (AgentKey k : r.state().agentsOn("w1")) {
            before.put(k, r.state().agent(k).fencingToken());
        }
        Worker w1 = r.state().worker("w1");
        // A stale decision (the worker changed since) is refused and changes nothing.
        Reply stale = apply(r, new Command.ExpireWorker("w1", w1.revision() - 1, 1));
        assertThat(stale.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION);
        assertThat(r.state().worker("w1").state()).isEqualTo(WorkerState.READY);

        Reply expired = apply(r, new Command.ExpireWorker("w1", w1.revision(), 1));
        assertThat(expired.isOk()).isTrue();
        assertThat(r.state().worker("w1").state()).isEqualTo(WorkerState.DOWN);
        assertThat(r.state().agentsOn("w1")).isEmpty();
        for (Map.Entry<AgentKey, Long> e : before.entrySet()) {
            Agent a = r.state().agent(e.getKey());
            if (a.assigned()) {
                assertThat(a.worker()).isEqualTo("w2");
                assertThat(a.fencingToken()).isGreaterThan(e.getValue());
                assertThat(a.state()).isEqualTo(AgentState.STARTING);
            } else {
                assertThat(a.state()).isEqualTo(AgentState.PENDING);
            }
        }
        assertThat(r.state().usedSlots("w2")).isLessThanOrEqualTo(cap2);
        // Renewed registration makes it ready again; expiring twice is a no-op.
        assertThat(apply(r, new Command.ExpireWorker("w1", w1.revision(), 1)).isOk()).isTrue();
        apply(r, new Command.RegisterWorker("w1", "a:1", "", new TreeMap<>(), cap1));
        assertThat(r.state().worker("w1").state()).isEqualTo(WorkerState.READY);
    }
}
