package io.agentd.daemon.coordinator;

import io.agentd.client.api.SetProviderRequest;
import io.agentd.statemachine.Names;
import io.agentd.statemachine.Rejection;
import io.agentd.statemachine.command.Command;
import io.agentd.statemachine.command.Reply;
import io.agentd.statemachine.model.ProviderLimits;

import java.math.BigDecimal;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * LLM providers: the API's definitions checked and turned into commands. Refused here, before
 * they reach the log, while the cluster is below feature level 3 (a member on an older build
 * could not read the entry), and again by the rule.
 */
public final class ProviderService {
    /** The feature level that brings providers. */
    public static final int LEVEL = 3;
    private static final String WHAT = "an LLM provider";

    private final Coordinator coordinator;
    private final io.agentd.daemon.providers.ProviderGrants grants;

    public ProviderService(Coordinator coordinator, io.agentd.daemon.providers.ProviderGrants grants) {
        this.coordinator = coordinator;
        this.grants = grants;
    }

    /**
     * The leader's division of {@code name}'s limits among the workers. Grants are the leader's
     * soft state: any other node refuses with {@link NotLeaderException} (503), naming the leader.
     */
    public io.agentd.client.api.ProviderSharesView shares(String name) {
        Names.providerName(name);
        io.agentd.daemon.providers.ProviderGrants.Shares shares = grants.shares(name);
        if (shares == null || !coordinator.raft().isLeader()) {
            String leader = coordinator.raft().leaderId().orElse(null);
            throw new NotLeaderException("this node is not the leader" + (leader == null ? "; no leader known"
                    : "; the leader is " + leader) + ": the leader holds the providers' grants");
        }
        if (coordinator.read(s -> s.provider(name)) == null) {
            throw Rejection.notFound("provider " + name + " not found");
        }
        java.util.List<io.agentd.client.api.ProviderSharesView.Share> out = new java.util.ArrayList<>();
        for (io.agentd.daemon.providers.GrantBook.WorkerShare w : shares.workers()) {
            out.add(new io.agentd.client.api.ProviderSharesView.Share(w.worker(), w.namespace(), w.granted()[0],
                    bounded(w.granted()[1]), w.granted()[2] >= io.agentd.daemon.providers.GrantBook.UNBOUNDED ? null
                    : (int) w.granted()[2], w.asked()[0], Double.isNaN(w.used()) ? null : w.used()));
        }
        return new io.agentd.client.api.ProviderSharesView(name, coordinator.config().nodeId, shares.learning(), out);
    }

    private static Double bounded(double v) {
        return v >= io.agentd.daemon.providers.GrantBook.UNBOUNDED ? null : v;
    }

    public CompletableFuture<Reply> set(String name, SetProviderRequest body, Caller caller) {
        Names.providerName(name);
        if (body == null) {
            throw Rejection.invalid("a body with the provider's limits is required");
        }
        ProviderLimits limits = Names.providerLimits(limits(body));
        return coordinator.requireFeatureLevel(LEVEL, WHAT)
                .thenCompose(v -> coordinator.write(caller.envelope(new Command.SetProvider(name, limits))));
    }

    public CompletableFuture<Reply> delete(String name, Caller caller) {
        Names.providerName(name);
        return coordinator.requireFeatureLevel(LEVEL, WHAT)
                .thenCompose(v -> coordinator.write(caller.envelope(new Command.DeleteProvider(name))));
    }

    /** The request's definition as the state machine keeps it: 0 for a limit left out. */
    static ProviderLimits limits(SetProviderRequest body) {
        if (body.requestsPerMinute() == null) {
            throw Rejection.invalid("requestsPerMinute is required");
        }
        TreeMap<String, Integer> shares = new TreeMap<>();
        for (Map.Entry<String, Integer> share : body.shares().entrySet()) {
            if (share.getValue() == null) {
                throw Rejection.invalid("shares." + share.getKey() + " must be a weight, got null");
            }
            shares.put(share.getKey(), share.getValue());
        }
        return new ProviderLimits(body.requestsPerMinute(),
                body.tokensPerMinute() == null ? 0 : body.tokensPerMinute(),
                body.maxConcurrent() == null ? 0 : body.maxConcurrent(),
                body.group() == null ? "" : body.group(),
                body.priority() == null ? 0 : body.priority(),
                shares, micros(body.pricePer1kTokensUsd()));
    }

    /** US dollars as millionths; more than six decimals is refused rather than rounded. */
    static long micros(BigDecimal usd) {
        if (usd == null) {
            return 0;
        }
        try {
            return usd.movePointRight(6).longValueExact();
        } catch (ArithmeticException e) {
            throw Rejection.invalid("pricePer1kTokensUsd must be 0 to 1000 with at most 6 decimals, got "
                    + usd.toPlainString());
        }
    }

}
