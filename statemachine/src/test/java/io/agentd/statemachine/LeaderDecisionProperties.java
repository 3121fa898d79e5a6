package io.agentd.statemachine;

import io.agentd.statemachine.codec.CommandCodec;
import io.agentd.statemachine.command.Command;
import io.agentd.statemachine.command.Envelope;
import io.agentd.statemachine.command.Reply;
import io.agentd.statemachine.model.Agent;
import io.agentd.statemachine.model.AgentSpec;
import io.agentd.statemachine.model.AgentState;
import io.agentd.statemachine.model.RestartPolicy;
import io.agentd.statemachine.model.WorkerState;
import io.agentd.statemachine.store.MemoryStore;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.List;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Decisions made from a leader's soft state (ExpireWorker, RescheduleAgent) hold only in the term
 * of the leader that made them: in an entry of any other term they are refused and change nothing.
 */
class LeaderDecisionProperties {
    private long index;

    private Reply apply(Replica r, long term, Command c) {
        return r.apply(term, ++index, 1_000 + index, CommandCodec.encode(new Envelope(null, "t", c))).get(0);
    }

    private static AgentSpec spec(RestartPolicy p) {
        return new AgentSpec("/bin/false", List.of(), new TreeMap<>(), null, 1, new TreeMap<>(), new TreeMap<>(), p);
    }

    /** Two workers, three agents on w1 (the first worker registered), all in term 1. */
    private Replica cluster() {
        Replica r = new Replica(new MemoryStore());
        apply(r, 1, new Command.RegisterWorker("w1", "a:1", "", new TreeMap<>(), 4));
        for (int i = 0; i < 3; i++) {
            apply(r, 1, new Command.SpawnAgent("default", "a" + i, spec(RestartPolicy.ON_FAILURE)));
        }
        apply(r, 1, new Command.RegisterWorker("w2", "a:2", "", new TreeMap<>(), 4));
        return r;
    }

    @Property(tries = 100)
    void anExpiryAppliesOnlyInTheTermThatDecidedIt(@ForAll @IntRange(min = 1, max = 5) int decided,
                                                  @ForAll @IntRange(min = 1, max = 5) int logged) {
        Replica r = cluster();
        long rev = r.state().worker("w1").revision();
        String before = r.state().fingerprint();
        long revisionBefore = r.state().revision();

        Reply reply = apply(r, logged, new Command.ExpireWorker("w1", rev, decided));
        if (decided == logged) {
            assertThat(reply.isOk()).isTrue();
            assertThat(r.state().worker("w1").state()).isEqualTo(WorkerState.DOWN);
            assertThat(r.state().agentsOn("w1")).isEmpty();
        } else {
            assertThat(reply.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION);
            assertThat(reply.message()).contains("term " + decided).contains("term " + logged);
            assertThat(r.state().revision()).isEqualTo(revisionBefore);
            assertThat(r.state().worker("w1").state()).isEqualTo(WorkerState.READY);
            assertThat(r.state().agentsOn("w1")).hasSize(3);
            // Nothing else changed either: only the header (log time, audit count) moves on.
            assertThat(body(r.state().fingerprint())).isEqualTo(body(before));
        }
    }

    @Property(tries = 100)
    void aRescheduleAppliesOnlyInTheTermThatDecidedIt(@ForAll @IntRange(min = 1, max = 5) int decided,
                                                     @ForAll @IntRange(min = 1, max = 5) int logged) {
        Replica r = cluster();
        Agent a = r.state().agent("default", "a0");
        apply(r, 1, new Command.ReportStatus("default", "a0", a.fencingToken(), AgentState.FAILED, 1, null, 0));
        Agent failed = r.state().agent("default", "a0");
        assertThat(failed.state()).isEqualTo(AgentState.FAILED);

        Reply reply = apply(r, logged, new Command.RescheduleAgent("default", "a0", failed.revision(), 1, decided));
        Agent after = r.state().agent("default", "a0");
        if (decided == logged) {
            assertThat(reply.isOk()).isTrue();
            assertThat(after.state()).isEqualTo(AgentState.STARTING);
            assertThat(after.fencingToken()).isGreaterThan(failed.fencingToken());
        } else {
            assertThat(reply.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION);
            assertThat(after).isEqualTo(failed);
        }
    }

    @Property(tries = 20)
    void decisionsFromBeforeTermsWereRecordedApplyInAnyTerm(@ForAll @IntRange(min = 1, max = 5) int logged) {
        Replica r = cluster();
        long rev = r.state().worker("w1").revision();
        assertThat(apply(r, logged, new Command.ExpireWorker("w1", rev, 0)).isOk()).isTrue();
        assertThat(r.state().worker("w1").state()).isEqualTo(WorkerState.DOWN);
    }

    /** A fingerprint without its first line (revision, log time, audit count). */
    private static String body(String fingerprint) {
        return fingerprint.substring(fingerprint.indexOf('\n') + 1);
    }
}
