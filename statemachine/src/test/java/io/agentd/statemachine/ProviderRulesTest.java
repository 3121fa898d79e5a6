package io.agentd.statemachine;

import io.agentd.statemachine.codec.CommandCodec;
import io.agentd.statemachine.command.Command;
import io.agentd.statemachine.command.Envelope;
import io.agentd.statemachine.command.Reply;
import io.agentd.statemachine.model.Event;
import io.agentd.statemachine.model.EventType;
import io.agentd.statemachine.model.Provider;
import io.agentd.statemachine.model.ProviderLimits;
import io.agentd.statemachine.store.MemoryStore;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** Providers: made, replaced, deleted, refused with a reason, gated on feature level 3, kept by a reload. */
class ProviderRulesTest {
    private long index;

    private Reply apply(Replica r, Command c) {
        return r.apply(1, ++index, 1_000 + index, CommandCodec.encode(new Envelope(null, "t", c))).get(0);
    }

    private static ProviderLimits limits(long rpm) {
        return new ProviderLimits(rpm, 90_000, 8, "fast", 1, new TreeMap<>(Map.of("team-a", 3)), 2_000);
    }

    private Replica atLevelThree(MemoryStore store) {
        Replica r = new Replica(store);
        assertThat(apply(r, new Command.SetFeatureLevel(3)).isOk()).isTrue();
        return r;
    }

    @Test
    void aProviderNeedsFeatureLevelThree() {
        Replica r = new Replica(new MemoryStore());
        apply(r, new Command.SetFeatureLevel(2));
        long revision = r.state().revision();
        Reply refused = apply(r, new Command.SetProvider("openai", limits(600)));
        assertThat(refused.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION);
        assertThat(refused.message()).contains("needs cluster feature level 3 (the cluster is at 2)");
        assertThat(apply(r, new Command.DeleteProvider("openai")).code()).isEqualTo(ErrorCode.FAILED_PRECONDITION);
        assertThat(r.state().revision()).isEqualTo(revision);
        assertThat(r.state().providers()).isEmpty();
    }

    @Test
    void setCreatesThenReplacesAndTheSameLimitsChangeNothing() {
        MemoryStore store = new MemoryStore();
        Replica r = atLevelThree(store);
        Reply created = apply(r, new Command.SetProvider("openai", limits(600)));
        assertThat(created.isOk()).isTrue();
        assertThat(created.created()).isTrue();
        Provider p = created.bodyAs(Provider.class);
        assertThat(p.limits()).isEqualTo(limits(600));
        assertThat(p.createRevision()).isEqualTo(p.revision()).isEqualTo(r.state().revision());

        long revision = r.state().revision();
        Reply same = apply(r, new Command.SetProvider("openai", limits(600)));
        assertThat(same.isOk()).isTrue();
        assertThat(same.created()).isFalse();
        assertThat(r.state().revision()).isEqualTo(revision);

        Reply replaced = apply(r, new Command.SetProvider("openai", limits(1200)));
        assertThat(replaced.created()).isFalse();
        Provider q = r.state().provider("openai");
        assertThat(q.limits().requestsPerMinute()).isEqualTo(1200);
        assertThat(q.createRevision()).isEqualTo(p.createRevision());
        assertThat(q.revision()).isGreaterThan(p.revision());

        List<Event> events = r.state().eventsAfter(0, 100);
        assertThat(events).filteredOn(e -> e.type() == EventType.PROVIDER_SET).hasSize(2)
                .allSatisfy(e -> assertThat(e.name()).isEqualTo("openai"));

        Replica reloaded = new Replica(store);
        assertThat(reloaded.state().provider("openai")).isEqualTo(q);
        assertThat(reloaded.state().fingerprint()).isEqualTo(r.state().fingerprint());
    }

    @Test
    void deleteRemovesItFromStateAndStoreAndAMissingOneIsNotFound() {
        MemoryStore store = new MemoryStore();
        Replica r = atLevelThree(store);
        apply(r, new Command.SetProvider("openai", limits(600)));
        apply(r, new Command.SetProvider("anthropic", limits(300)));
        assertThat(r.state().providers()).extracting(Provider::name).containsExactly("anthropic", "openai");

        assertThat(apply(r, new Command.DeleteProvider("openai")).isOk()).isTrue();
        assertThat(r.state().provider("openai")).isNull();
        assertThat(new Replica(store).state().providers()).extracting(Provider::name).containsExactly("anthropic");
        assertThat(r.state().eventsAfter(0, 100)).anyMatch(e -> e.type() == EventType.PROVIDER_DELETED);

        long revision = r.state().revision();
        Reply missing = apply(r, new Command.DeleteProvider("openai"));
        assertThat(missing.code()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(missing.message()).isEqualTo("provider openai not found");
        assertThat(r.state().revision()).isEqualTo(revision);
    }

    @Test
    void badLimitsAreRefusedNamingTheFieldAndChangeNothing() {
        Replica r = atLevelThree(new MemoryStore());
        long revision = r.state().revision();
        Map<String, ProviderLimits> bad = new java.util.LinkedHashMap<>();
        bad.put("requestsPerMinute must be 1 to", new ProviderLimits(0, 0, 0, "", 0, new TreeMap<>(), 0));
        bad.put("tokensPerMinute must be 0 (no limit) to", new ProviderLimits(1, -1, 0, "", 0, new TreeMap<>(), 0));
        bad.put("maxConcurrent must be 0 (no bound) to", new ProviderLimits(1, 0, -2, "", 0, new TreeMap<>(), 0));
        bad.put("group 'Fast' is not a DNS label", new ProviderLimits(1, 0, 0, "Fast", 0, new TreeMap<>(), 0));
        bad.put("priority must be 0 to 1000", new ProviderLimits(1, 0, 0, "g", 1001, new TreeMap<>(), 0));
        bad.put("shares.team-a must be a weight of 1 to", new ProviderLimits(1, 0, 0, "", 0,
                new TreeMap<>(Map.of("team-a", 0)), 0));
        bad.put("shares: namespace 'Team' is not a DNS label", new ProviderLimits(1, 0, 0, "", 0,
                new TreeMap<>(Map.of("Team", 1)), 0));
        bad.put("pricePer1kTokensUsd must be 0 to 1000, got 1000.000001", new ProviderLimits(1, 0, 0, "", 0,
                new TreeMap<>(), 1_000_000_001L));
        bad.forEach((message, l) -> {
            Reply refused = apply(r, new Command.SetProvider("p", l));
            assertThat(refused.code()).as(message).isEqualTo(ErrorCode.INVALID_ARGUMENT);
            assertThat(refused.message()).as(message).contains(message);
        });
        Reply badName = apply(r, new Command.SetProvider("Open_AI", limits(1)));
        assertThat(badName.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(badName.message()).contains("provider 'Open_AI' is not a DNS label");
        assertThat(r.state().revision()).isEqualTo(revision);
        assertThat(r.state().providers()).isEmpty();
    }

    @Test
    void aWorkersTokenMayNotSetAProvider() {
        Replica r = atLevelThree(new MemoryStore());
        Reply token = apply(r, new Command.CreateToken("d".repeat(64), io.agentd.statemachine.model.Role.WORKER, null,
                "w1", 0, ""));
        String workerToken = token.bodyAs(io.agentd.statemachine.model.Token.class).id();
        Reply refused = r.apply(1, ++index, 1_000 + index, CommandCodec.encode(new Envelope(null, workerToken,
                "worker", "", new Command.SetProvider("openai", limits(600))))).get(0);
        assertThat(refused.code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
        assertThat(r.state().providers()).isEmpty();
    }
}
