package io.agentd.daemon.api;

import io.agentd.daemon.config.RequestRate;
import io.agentd.daemon.coordinator.Principal;
import io.agentd.statemachine.model.Role;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Caps the requests of each token on this server ({@code token-rate-limit}, per role): a token
 * bucket per token (Bucket4j) that holds {@code token-rate-burst} worth of the role's rate and
 * refills at that rate. A request that finds it empty is answered 429 with the time until the
 * next request would fit as Retry-After. Requests without a token (authentication off) are not
 * capped. Each server counts only what it receives: a client that spreads its requests over n
 * servers may send up to n times the rate.
 *
 * <p>A bucket that has filled up again is the same as a new one, so idle tokens' buckets are
 * dropped (at most once a minute, by the request that finds a minute has passed) and the map
 * holds only tokens in recent use. Thread-safe.
 */
final class TokenRateLimits {
    private static final Duration SWEEP = Duration.ofMinutes(1);

    private final Map<Role, RequestRate> rates = new EnumMap<>(Role.class);
    private final Map<Role, Long> capacities = new EnumMap<>(Role.class);
    private final TimeMeter clock;
    private final ConcurrentHashMap<String, Limited> buckets = new ConcurrentHashMap<>();
    private final LongSupplier nanoClock;
    private final java.util.concurrent.atomic.AtomicLong lastSweep;

    /** A token's bucket and how many requests it holds when full. */
    private record Limited(Bucket bucket, long capacity) {
    }

    /**
     * @param byRole role word ({@code admin}, {@code operator}, {@code worker}, {@code reader}) → rate;
     *               a role not named, or named with {@code off}, has no cap
     * @param burst  how much a token may send at once, as time at its rate
     */
    TokenRateLimits(Map<String, RequestRate> byRole, Duration burst, LongSupplier nanoClock) {
        for (Role role : Role.values()) {
            RequestRate r = byRole.get(role.word());
            if (r != null && !r.off()) {
                rates.put(role, r);
                capacities.put(role, Math.max(1L, (long) Math.ceil(r.perSecond() * burst.toNanos() / 1e9)));
            }
        }
        this.nanoClock = nanoClock;
        this.lastSweep = new java.util.concurrent.atomic.AtomicLong(nanoClock.getAsLong());
        this.clock = new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                return nanoClock.getAsLong();
            }

            @Override
            public boolean isWallClockBased() {
                return false;
            }
        };
    }

    /** Whether any role is capped. */
    boolean enabled() {
        return !rates.isEmpty();
    }

    /** Counts one request of {@code p}; throws a 429 {@link ApiException} when its token is past its rate. */
    void check(Principal p) {
        if (p == Principal.ANONYMOUS) {
            return;
        }
        RequestRate rate = rates.get(p.role());
        if (rate == null) {
            return;
        }
        long now = nanoClock.getAsLong();
        long swept = lastSweep.get();
        if (now - swept > SWEEP.toNanos() && lastSweep.compareAndSet(swept, now)) {
            sweep();
        }
        Limited limited = buckets.computeIfAbsent(p.actor(), id -> newBucket(p.role()));
        ConsumptionProbe probe = limited.bucket().tryConsumeAndReturnRemaining(1);
        if (!probe.isConsumed()) {
            long seconds = (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L;
            throw ApiException.tooManyRequests("token " + p.actor() + " is past its rate of " + rate + " ("
                    + p.role().word() + " tokens, token-rate-limit) on this server", seconds);
        }
    }

    private Limited newBucket(Role role) {
        RequestRate r = rates.get(role);
        long capacity = capacities.get(role);
        return new Limited(Bucket.builder()
                .addLimit(l -> l.capacity(capacity).refillGreedy(r.requests(), r.period()))
                .withCustomTimePrecision(clock)
                .build(), capacity);
    }

    /** Drops the buckets that are full again (their tokens idle); returns how many remain. */
    int sweep() {
        buckets.values().removeIf(l -> l.bucket().getAvailableTokens() >= l.capacity());
        return buckets.size();
    }
}
