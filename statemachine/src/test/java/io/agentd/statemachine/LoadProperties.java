package io.agentd.statemachine;

import io.agentd.statemachine.codec.CommandCodec;
import io.agentd.statemachine.codec.EntityCodec;
import io.agentd.statemachine.codec.WireWriter;
import io.agentd.statemachine.command.Command;
import io.agentd.statemachine.command.Envelope;
import io.agentd.statemachine.model.Agent;
import io.agentd.statemachine.model.AgentKey;
import io.agentd.statemachine.model.AgentSpec;
import io.agentd.statemachine.model.AgentState;
import io.agentd.statemachine.model.DesiredState;
import io.agentd.statemachine.model.Quota;
import io.agentd.statemachine.model.RestartPolicy;
import io.agentd.statemachine.store.AppliedIndex;
import io.agentd.statemachine.store.ChangeSet;
import io.agentd.statemachine.store.MemoryStore;
import io.agentd.statemachine.store.Table;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Loading a registry from its store (a restart, a snapshot install): the loaded state, indexes
 * included, is the state that wrote the store, whatever the number of decoder threads and the
 * size of their chunks.
 */
class LoadProperties {

    private static Replica replayed(MemoryStore store, List<Commands.Entry> log) {
        Replica r = new Replica(store);
        for (int i = 0; i < log.size(); i++) {
            Commands.Entry e = log.get(i);
            r.apply(1, i + 1, e.stamp(), CommandCodec.encodeBatch(e.envelopes()));
        }
        return r;
    }

    @Property(tries = 300)
    void aLoadedStateEqualsTheStateThatWroteTheStore(@ForAll("log") List<Commands.Entry> log,
                                                     @ForAll @IntRange(min = 0, max = 3) int decoders,
                                                     @ForAll @IntRange(min = 1, max = 5) int chunk) {
        MemoryStore store = new MemoryStore();
        Replica written = replayed(store, log);
        ClusterState loaded = ClusterState.load(store, decoders, chunk);
        assertThat(loaded.fingerprint()).isEqualTo(written.state().fingerprint());
    }

    /** Thousands of agents over several chunks: pending, placed on workers, failed, with metadata. */
    @Test
    void aLargeRegistryLoadsTheSameOnOneThreadAndOnSeveral() {
        MemoryStore store = new MemoryStore();
        Replica r = new Replica(store);
        long index = 0;
        long time = 1_000_000;
        List<Envelope> setup = new ArrayList<>();
        setup.add(new Envelope(null, "t", new Command.CreateNamespace("team-a", Quota.UNLIMITED)));
        setup.add(new Envelope(null, "t", new Command.CreateNamespace("team-b", Quota.UNLIMITED)));
        for (String w : List.of("w1", "w2", "w3")) {
            setup.add(new Envelope(null, "t", new Command.RegisterWorker(w, "127.0.0.1:7422", "z1", new TreeMap<>(), 400)));
        }
        r.apply(1, ++index, time, CommandCodec.encodeBatch(setup));
        for (int b = 0; b < 30; b++) {
            List<Envelope> batch = new ArrayList<>();
            for (int i = b * 100; i < (b + 1) * 100; i++) {
                AgentSpec spec = new AgentSpec("sleep", List.of("3600"), new TreeMap<>(), null, 1 + i % 2,
                        new TreeMap<>(Map.of("group", "g" + i % 7)), new TreeMap<>(),
                        i % 5 == 0 ? RestartPolicy.NEVER : RestartPolicy.ON_FAILURE);
                String ns = i % 3 == 0 ? "team-b" : "team-a";
                batch.add(new Envelope("b" + b + ":" + i, "t", new Command.SpawnAgent(ns, String.format("a-%05d", i), spec)));
            }
            r.apply(1, ++index, time += 10, CommandCodec.encodeBatch(batch));
        }
        // Some placed agents fail (tokens are the revisions that placed them), some get metadata.
        List<Envelope> changes = new ArrayList<>();
        for (Agent a : r.state().agents(null, Agent::assigned, 200)) {
            changes.add(new Envelope(null, a.worker(), new Command.ReportStatus(a.namespace(), a.name(), a.fencingToken(),
                    AgentState.FAILED, 1, "boom", 0)));
        }
        for (Agent a : r.state().agents("team-b", x -> true, 50)) {
            changes.add(new Envelope(null, "t", new Command.SetMetadata(a.namespace(), a.name(), "k", "v", null)));
        }
        r.apply(1, ++index, time += 10, CommandCodec.encodeBatch(changes));
        assertThat(r.state().agentCount()).isEqualTo(3000);
        assertThat(r.state().pendingCount()).isPositive();
        assertThat(r.state().failedToRun(Integer.MAX_VALUE)).isNotEmpty();
        assertThat(r.state().agentsOn("w1")).isNotEmpty();

        String expected = r.state().fingerprint();
        assertThat(ClusterState.load(store, 0).fingerprint()).isEqualTo(expected);
        assertThat(ClusterState.load(store, 2, 64).fingerprint()).isEqualTo(expected);
        assertThat(ClusterState.load(store, 3, 1).fingerprint()).isEqualTo(expected);
    }

    /**
     * The store orders agent keys by their UTF-8 bytes, the registry by their UTF-16 chars; for
     * names outside the API's ASCII the two differ, and the load must still build a correct map.
     */
    @Test
    void agentsStoredOutOfKeyOrderStillLoadInKeyOrder() {
        MemoryStore store = new MemoryStore();
        ChangeSet cs = new ChangeSet();
        // UTF-8: U+FF5A (EF BD 9A) before U+1D49C (F0 9D 92 9C); UTF-16: D835 DC9C before FF5A.
        List<String> names = List.of("a", "\uFF5A", "\uD835\uDC9C", "b");
        AgentSpec spec = new AgentSpec("sleep", List.of(), new TreeMap<>(), null, 1, new TreeMap<>(), new TreeMap<>(),
                RestartPolicy.ON_FAILURE);
        long id = 10;
        for (String name : names) {
            Agent a = new Agent("default", name, id--, spec, DesiredState.RUNNING, AgentState.PENDING, null, 0,
                    "no worker", null, 0, Collections.emptySortedMap(), 1, 1, 5, 5, null, null, 0, 0, 0, 0, List.of(), null);
            cs.put(Table.ENTITIES, Keys.agent(a.key()), EntityCodec.encode(a));
        }
        cs.put(Table.META, Keys.STATE, new WireWriter(8).u8(1).uvarint(4).svarint(5).uvarint(0).toByteArray());
        store.commit(cs, new AppliedIndex(1, 1));

        for (int decoders : new int[] {0, 2}) {
            ClusterState s = ClusterState.load(store, decoders, 1);
            List<AgentKey> keys = s.agents(null, x -> true, 10).stream().map(Agent::key).toList();
            assertThat(keys).hasSize(4).isSorted();
            assertThat(s.pendingCount()).isEqualTo(4);
            assertThat(s.agent("default", "\uD835\uDC9C")).isNotNull();
        }
        assertThat(ClusterState.load(store, 2, 1).fingerprint()).isEqualTo(ClusterState.load(store, 0).fingerprint());
    }

    @Provide
    net.jqwik.api.Arbitrary<List<Commands.Entry>> log() {
        return Commands.log();
    }
}
