package io.agentd.statemachine.codec;

import io.agentd.statemachine.model.Agent;
import io.agentd.statemachine.model.AgentSpec;
import io.agentd.statemachine.model.AgentState;
import io.agentd.statemachine.model.Assignment;
import io.agentd.statemachine.model.DesiredState;
import io.agentd.statemachine.model.Health;
import io.agentd.statemachine.model.MetadataEntry;
import io.agentd.statemachine.model.RestartPolicy;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** Agents decode to what was encoded, whether their spec and shared strings were seen before or not. */
class EntityCodecProperties {

    @Property(tries = 300)
    void anAgentDecodesToItselfTheFirstTimeAndAgain(@ForAll("agents") Agent agent) {
        byte[] bytes = EntityCodec.encode(agent);
        WireReader first = new WireReader(bytes);
        Agent once = EntityCodec.agent(first);
        assertThat(first.hasRemaining()).isFalse();
        WireReader second = new WireReader(bytes);
        Agent twice = EntityCodec.agent(second);
        assertThat(second.hasRemaining()).isFalse();
        assertThat(once).isEqualTo(agent);
        assertThat(twice).isEqualTo(agent);
        assertThat(twice.toString()).isEqualTo(agent.toString());
        // The second decode hands out what the first one made.
        assertThat(twice.spec()).isSameAs(once.spec());
        assertThat(twice.namespace()).isSameAs(once.namespace());
    }

    /** Passing over a spec reads exactly its bytes: what follows it decodes unchanged. */
    @Property(tries = 300)
    void aSpecIsReadToItsLastByteWhetherKnownOrNot(@ForAll("specs") AgentSpec spec) {
        WireWriter w = new WireWriter();
        EntityCodec.spec(w, spec);
        w.string("after");
        byte[] bytes = w.toByteArray();
        for (int pass = 0; pass < 2; pass++) {
            WireReader r = new WireReader(bytes);
            assertThat(EntityCodec.spec(r)).isEqualTo(spec);
            assertThat(r.string()).isEqualTo("after");
            r.expectEnd();
        }
    }

    @Provide
    Arbitrary<AgentSpec> specs() {
        Arbitrary<String> word = Arbitraries.strings().withCharRange('a', 'e').ofMinLength(1).ofMaxLength(3);
        Arbitrary<TreeMap<String, String>> labels = Arbitraries.maps(word, word).ofMaxSize(2).map(TreeMap::new);
        Arbitrary<TreeMap<String, String>> env = Arbitraries.maps(word.map(String::toUpperCase), word)
                .ofMaxSize(2).map(TreeMap::new);
        return Combinators.combine(word, word.list().ofMaxSize(3), env, word.injectNull(0.5),
                Arbitraries.integers().between(1, 3), labels, labels, Arbitraries.of(RestartPolicy.class))
                .as((cmd, args, e, dir, slots, l, c, restart) -> new AgentSpec("/bin/" + cmd, args, e,
                        dir == null ? null : "/tmp/" + dir, slots, l, c, restart));
    }

    @Provide
    Arbitrary<Agent> agents() {
        Arbitrary<String> word = Arbitraries.strings().withCharRange('a', 'c').ofMinLength(1).ofMaxLength(2);
        Arbitrary<Map<String, MetadataEntry>> metadata = Arbitraries.maps(word,
                Combinators.combine(word, Arbitraries.longs().between(1, 9)).as(MetadataEntry::new)).ofMaxSize(2);
        Arbitrary<List<Assignment>> history = Combinators.combine(word, Arbitraries.longs().between(1, 9), word)
                .as((w, t, outcome) -> new Assignment("w-" + w, t, 0, t + 1, 50, outcome)).list().ofMaxSize(2);
        Arbitrary<Health> health = Combinators.combine(word, word).as((s, p) -> new Health(s, p, 7)).injectNull(0.5);
        return Combinators.combine(word, word, specs(), word.injectNull(0.5), word.injectNull(0.5), metadata, history,
                health).as((ns, name, spec, worker, reason, md, h, hl) -> new Agent("ns-" + ns, name, 3, spec,
                DesiredState.RUNNING, AgentState.PENDING, worker == null ? null : "w-" + worker, worker == null ? 0 : 4,
                reason, null, 0, md.isEmpty() ? Collections.emptySortedMap() : Collections.unmodifiableSortedMap(new TreeMap<>(md)),
                1, 2, 3, 4, null, null, 0, 0, 0, 0, h, hl));
    }
}
