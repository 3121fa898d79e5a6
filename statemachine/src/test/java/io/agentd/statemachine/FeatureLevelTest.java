package io.agentd.statemachine;

import io.agentd.statemachine.codec.CommandCodec;
import io.agentd.statemachine.command.Command;
import io.agentd.statemachine.command.Envelope;
import io.agentd.statemachine.command.Reply;
import io.agentd.statemachine.model.Agent;
import io.agentd.statemachine.model.AgentState;
import io.agentd.statemachine.model.RestartPolicy;
import io.agentd.statemachine.store.MemoryStore;
import org.junit.jupiter.api.Test;

import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The cluster's feature level: raised only, kept across a reload, and what it gates. */
class FeatureLevelTest {
    private long index;

    private Reply apply(Replica r, Command c) {
        return r.apply(1, ++index, 1_000 + index, CommandCodec.encode(new Envelope(null, "t", c))).get(0);
    }

    @Test
    void aClusterStartsAtTheInitialLevelAndRaisesItOnlyUpwards() {
        MemoryStore store = new MemoryStore();
        Replica r = new Replica(store);
        assertThat(r.state().featureLevel()).isEqualTo(FeatureLevel.INITIAL);
        assertThat(apply(r, new Command.SetFeatureLevel(2)).isOk()).isTrue();
        assertThat(r.state().featureLevel()).isEqualTo(2);
        long revision = r.state().revision();
        Reply lower = apply(r, new Command.SetFeatureLevel(1));
        assertThat(lower.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION);
        assertThat(lower.message()).contains("lowering it to 1 is not supported");
        assertThat(apply(r, new Command.SetFeatureLevel(2)).isOk()).isTrue();
        assertThat(r.state().revision()).isEqualTo(revision);
        assertThat(new Replica(store).state().featureLevel()).as("after a reload").isEqualTo(2);
    }

    @Test
    void aLevelThisBuildDoesNotKnowStopsTheReplicaInsteadOfGuessing() {
        Replica r = new Replica(new MemoryStore());
        assertThatThrownBy(() -> apply(r, new Command.SetFeatureLevel(FeatureLevel.MAX_SUPPORTED + 1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("this build supports levels " + FeatureLevel.MIN_SUPPORTED + " to "
                        + FeatureLevel.MAX_SUPPORTED);
    }

    @Test
    void aStoreAtALevelThisBuildDoesNotKnowIsNotLoaded() {
        MemoryStore store = new MemoryStore();
        Replica r = new Replica(store);
        apply(r, new Command.SetFeatureLevel(2));
        io.agentd.statemachine.store.ChangeSet cs = new io.agentd.statemachine.store.ChangeSet();
        cs.put(io.agentd.statemachine.store.Table.META, Keys.LEVEL,
                new io.agentd.statemachine.codec.WireWriter(4).u8(1).uvarint(FeatureLevel.MAX_SUPPORTED + 1).toByteArray());
        store.commit(cs, store.applied());
        assertThatThrownBy(() -> new Replica(store)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the registry is at cluster feature level " + (FeatureLevel.MAX_SUPPORTED + 1));
    }

    @Test
    void startingAStoppedAgentNeedsLevelTwoAndKeepsItsMetadata() {
        Replica r = new Replica(new MemoryStore());
        apply(r, new Command.RegisterWorker("w1", "127.0.0.1:7422", "z1", new TreeMap<>(), 4));
        apply(r, new Command.SpawnAgent("default", "a", TestAgents.spec(1, RestartPolicy.NEVER)));
        apply(r, new Command.SetMetadata("default", "a", "k", "v", null));
        Agent running = r.state().agent("default", "a");
        assertThat(running.worker()).isEqualTo("w1");
        apply(r, new Command.StopAgent("default", "a"));
        apply(r, new Command.ReportStatus("default", "a", running.fencingToken(), AgentState.STOPPED, 0, "", 0));
        assertThat(r.state().agent("default", "a").state()).isEqualTo(AgentState.STOPPED);

        long revision = r.state().revision();
        Reply refused = apply(r, new Command.StartAgent("default", "a"));
        assertThat(refused.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION);
        assertThat(refused.message()).contains("needs cluster feature level 2 (the cluster is at 1)")
                .contains("agentctl cluster upgrade --to 2");
        assertThat(r.state().revision()).isEqualTo(revision);

        apply(r, new Command.SetFeatureLevel(2));
        Reply started = apply(r, new Command.StartAgent("default", "a"));
        assertThat(started.isOk()).isTrue();
        Agent again = r.state().agent("default", "a");
        assertThat(again.state()).isEqualTo(AgentState.STARTING);
        assertThat(again.worker()).isEqualTo("w1");
        assertThat(again.fencingToken()).isGreaterThan(running.fencingToken());
        assertThat(again.metadata().get("k").value()).isEqualTo("v");
        assertThat(again.history()).isNotEmpty();
        long after = r.state().revision();
        assertThat(apply(r, new Command.StartAgent("default", "a")).isOk()).isTrue();
        assertThat(r.state().revision()).as("starting a started agent changes nothing").isEqualTo(after);
    }
}
