package io.agentd.statemachine;

import io.agentd.statemachine.command.Command;
import io.agentd.statemachine.command.Reply;
import io.agentd.statemachine.model.EventType;
import io.agentd.statemachine.model.Provider;
import io.agentd.statemachine.model.ProviderLimits;

/** LLM providers and the limits the fleet shares (feature level 3). */
final class ProviderRules {
    static final int LEVEL = 3;

    private ProviderRules() {
    }

    static Reply set(Tx tx, Command.SetProvider c) {
        requireLevel(tx);
        Names.providerName(c.name());
        ProviderLimits limits = Names.providerLimits(c.limits());
        Provider existing = tx.state.provider(c.name());
        if (existing != null && existing.limits().equals(limits)) {
            return Reply.ok(tx.revision, false, existing);
        }
        Provider p = new Provider(c.name(), limits, existing == null ? tx.revision : existing.createRevision(),
                tx.revision);
        tx.state.putProvider(p);
        tx.event(EventType.PROVIDER_SET, null, p.name(), null, describe(limits));
        return Reply.ok(tx.revision, existing == null, p);
    }

    static Reply delete(Tx tx, Command.DeleteProvider c) {
        requireLevel(tx);
        Names.providerName(c.name());
        Provider existing = tx.state.provider(c.name());
        if (existing == null) {
            throw Rejection.notFound("provider " + c.name() + " not found");
        }
        tx.state.removeProvider(c.name());
        tx.event(EventType.PROVIDER_DELETED, null, c.name(), null, null);
        return Reply.ok(tx.revision, false, existing);
    }

    private static void requireLevel(Tx tx) {
        if (tx.state.featureLevel() < LEVEL) {
            throw FeatureLevel.needs(LEVEL, tx.state.featureLevel(), "an LLM provider");
        }
    }

    private static String describe(ProviderLimits l) {
        StringBuilder sb = new StringBuilder("rpm=").append(l.requestsPerMinute());
        if (l.tokensPerMinute() > 0) {
            sb.append(" tpm=").append(l.tokensPerMinute());
        }
        if (l.maxConcurrent() > 0) {
            sb.append(" maxConcurrent=").append(l.maxConcurrent());
        }
        if (!l.group().isEmpty()) {
            sb.append(" group=").append(l.group()).append(" priority=").append(l.priority());
        }
        return sb.toString();
    }
}
