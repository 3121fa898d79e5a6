package io.agentd.statemachine;

import io.agentd.statemachine.codec.CommandCodec;
import io.agentd.statemachine.command.Command;
import io.agentd.statemachine.command.Envelope;
import io.agentd.statemachine.command.Reply;
import io.agentd.statemachine.model.AgentSpec;
import io.agentd.statemachine.model.Quota;
import io.agentd.statemachine.store.MemoryStore;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A batch spawn (the API's {@code agents:batch}) is many SpawnAgent envelopes in one log entry.
 * These pin down that one entry decides each item as if it came alone, in order.
 */
class BatchSpawnProperties {

    private static List<Reply> apply(Replica r, long index, long stamp, List<Envelope> envelopes) {
        return r.apply(1, index, stamp, CommandCodec.encodeBatch(envelopes));
    }

    @Property(tries = 150)
    void oneEntryEqualsOneEntryPerSpawn(@ForAll("history") List<Commands.Entry> before,
                                        @ForAll("spawns") List<Envelope> batch) {
        Replica together = new Replica(new MemoryStore());
        Replica apart = new Replica(new MemoryStore());
        long index = 0;
        for (Commands.Entry e : before) {
            index++;
            apply(together, index, e.stamp(), e.envelopes());
            apply(apart, index, e.stamp(), e.envelopes());
        }
        long stamp = 2_000_000;
        List<Reply> batchReplies = apply(together, index + 1, stamp, batch);
        List<Reply> oneByOne = new ArrayList<>();
        for (Envelope e : batch) {
            oneByOne.addAll(apply(apart, ++index, stamp, List.of(e)));
        }
        assertThat(batchReplies).isEqualTo(oneByOne);
        assertThat(together.state().fingerprint()).isEqualTo(apart.state().fingerprint());
    }

    @Property(tries = 100)
    void quotaAdmitsTheFirstItemsThatFitAndRejectsTheRest(@ForAll @IntRange(min = 0, max = 8) int maxAgents,
                                                          @ForAll @IntRange(min = 1, max = 12) int items) {
        Replica r = new Replica(new MemoryStore());
        apply(r, 1, 1_000, List.of(new Envelope(null, "t",
                new Command.CreateNamespace("team-a", new Quota((long) maxAgents, null)))));
        List<Envelope> batch = new ArrayList<>();
        for (int i = 0; i < items; i++) {
            batch.add(new Envelope("k:" + i, "t", new Command.SpawnAgent("team-a", "a" + i,
                    new AgentSpec("/bin/sleep", List.of("10"), null, null, 1, null, null, null))));
        }
        List<Reply> replies = apply(r, 2, 2_000, batch);
        for (int i = 0; i < items; i++) {
            if (i < maxAgents) {
                assertThat(replies.get(i).isOk()).as("item %d", i).isTrue();
                assertThat(replies.get(i).created()).isTrue();
            } else {
                assertThat(replies.get(i).code()).as("item %d", i).isEqualTo(ErrorCode.QUOTA_EXCEEDED);
            }
        }
        assertThat(r.state().usage("team-a")[0]).isEqualTo(Math.min(items, maxAgents));

        // The same batch again (a retry with the same request ids) answers the same, item by item.
        long revision = r.state().revision();
        assertThat(apply(r, 3, 3_000, batch)).isEqualTo(replies);
        assertThat(r.state().revision()).isEqualTo(revision);
    }

    @Provide
    Arbitrary<List<Commands.Entry>> history() {
        return Commands.log();
    }

    /** Spawns into a few namespaces, names may repeat (taken or unchanged), some with request ids. */
    @Provide
    Arbitrary<List<Envelope>> spawns() {
        Arbitrary<String> rid = Arbitraries.integers().between(0, 5).map(i -> "batch:" + i).injectNull(0.5);
        Arbitrary<Envelope> spawn = Combinators.combine(rid, Commands.ns(), Commands.agent(), Commands.spec())
                .as((id, ns, name, spec) -> new Envelope(id, "tester", new Command.SpawnAgent(ns, name, spec)));
        return spawn.list().ofMinSize(1).ofMaxSize(20);
    }
}
