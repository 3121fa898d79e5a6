package io.agentd.daemon.providers;

import io.agentd.client.api.ProviderDemand;
import io.agentd.client.api.ProviderGrant;
import io.agentd.daemon.raft.Leadership;
import io.agentd.statemachine.Names;
import io.agentd.statemachine.Rejection;
import io.agentd.statemachine.model.Provider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The leader's shares of the providers' limits: a {@link GrantBook} per term in which this node
 * leads (none otherwise), answered with each lease renewal, swept once a second.
 */
public final class ProviderGrants {
    private static final Logger LOG = LoggerFactory.getLogger(ProviderGrants.class);
    /** At most this many entries in one heartbeat: providers times namespaces a worker's agents use. */
    public static final int MAX_ENTRIES = 1024;
    private static final Duration RECOMPUTE_EVERY = Duration.ofMillis(500);

    private final Supplier<Map<String, Provider>> providers;
    private final ScheduledExecutorService scheduler;
    private final Duration ttl;
    private final Duration margin;
    private final LongSupplier clock;
    private volatile GrantBook book;
    private ScheduledFuture<?> sweeper;

    /**
     * @param ttl the lease TTL, which a grant never outlasts
     * @param margin added to the TTL for the first period of a term, in which the book grants no
     *     more than workers hold: the longest a deposed leader's last answer can be on its way (the
     *     election timeout) and the drift of clock rates
     */
    public ProviderGrants(Supplier<Map<String, Provider>> providers, ScheduledExecutorService scheduler, Duration ttl,
                          Duration margin, LongSupplier clock) {
        this.providers = providers;
        this.scheduler = scheduler;
        this.ttl = ttl;
        this.margin = margin;
        this.clock = clock;
    }

    /** Leadership changed: forget every grant; when leading, start a book that first only learns, divided every half second. */
    public synchronized void leadershipChanged(Leadership now) {
        if (sweeper != null) {
            sweeper.cancel(false);
            sweeper = null;
        }
        if (!now.leading()) {
            book = null;
            return;
        }
        GrantBook b = new GrantBook(clock.getAsLong(), ttl.toNanos(), margin.toNanos());
        book = b;
        sweeper = scheduler.scheduleWithFixedDelay(() -> {
            try {
                b.sweep(clock.getAsLong(), providers.get());
            } catch (RuntimeException e) {
                LOG.warn("sweeping provider grants failed", e);
            }
        }, 0, RECOMPUTE_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The grants for one renewed lease; none while this node holds no book. */
    public List<ProviderGrant> heartbeat(String workerId, List<ProviderDemand> report) {
        GrantBook b = book;
        if (b == null || report.isEmpty()) {
            return List.of();
        }
        return b.heartbeat(workerId, clock.getAsLong(), report, providers.get());
    }

    /** What the current term's book holds of one provider now. */
    public record Shares(boolean learning, List<GrantBook.WorkerShare> workers) {
    }

    /** Every live worker's share of {@code provider}; null when this node holds no book (does not lead). */
    public Shares shares(String provider) {
        GrantBook b = book;
        if (b == null) {
            return null;
        }
        long now = clock.getAsLong();
        return new Shares(b.learning(now), b.shares(provider, now));
    }

    /** Refuses a report that names no provider or namespace, repeats an entry, or has a negative or odd number. */
    public static void validate(List<ProviderDemand> report) {
        if (report.size() > MAX_ENTRIES) {
            throw Rejection.invalid("providers has more than " + MAX_ENTRIES + " entries");
        }
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < report.size(); i++) {
            ProviderDemand d = report.get(i);
            String at = "providers[" + i + "]";
            if (d == null) {
                throw Rejection.invalid(at + " is null");
            }
            Names.dnsLabel(at + ".provider", d.provider());
            Names.dnsLabel(at + ".namespace", d.namespace());
            if (!seen.add(d.provider() + "/" + d.namespace())) {
                throw Rejection.invalid(at + " repeats " + d.provider() + "/" + d.namespace());
            }
            rate(at + ".requestsPerMinute", d.requestsPerMinute());
            rate(at + ".tokensPerMinute", d.tokensPerMinute());
            rate(at + ".heldRequestsPerMinute", d.heldRequestsPerMinute());
            if (d.heldTokensPerMinute() != null) {
                rate(at + ".heldTokensPerMinute", d.heldTokensPerMinute());
            }
            if (d.concurrent() < 0 || d.heldConcurrent() != null && d.heldConcurrent() < 0) {
                throw Rejection.invalid(at + ": concurrent calls must be 0 or more");
            }
        }
    }

    private static void rate(String field, double v) {
        if (!(v >= 0) || Double.isInfinite(v) || v > GrantBook.UNBOUNDED) {
            throw Rejection.invalid(field + " must be a number from 0 to 1e15, got " + v);
        }
    }
}
