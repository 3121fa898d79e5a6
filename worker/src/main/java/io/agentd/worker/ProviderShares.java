package io.agentd.worker;

import io.agentd.client.ApiDurations;
import io.agentd.client.api.ProviderDemand;
import io.agentd.client.api.ProviderGrant;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.TokensInheritanceStrategy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * This worker's shares of the providers' limits (docs/providers.md): the grants of the last lease
 * renewal, enforced with token buckets, and the reservations its agents make on the local API.
 * A grant holds until the lease it came with runs out; then nothing is reserved until the next.
 *
 * <p>A bucket holds a second of its grant's rate, and for requests at least one: what the
 * coordinators count as the grant's footprint. Requests are counted in thousandths, so a grant of
 * less than one request a second still lets one through now and then. Demand, what agents asked
 * for whether they got it or not, is counted over the last {@link #WINDOW_SECONDS} seconds and
 * reported with each renewal. Thread-safe.
 */
final class ProviderShares {
    private static final long UNIT = 1000;
    /** The most a bucket refills: Bucket4j's limit is one unit a nanosecond; nine tenths of it. */
    private static final long MAX_UNITS_PER_MINUTE = 54_000_000_000L;
    static final int WINDOW_SECONDS = 10;
    static final Duration MAX_WAIT = Duration.ofSeconds(60);
    /** A reservation not committed within this long gives its call slot back by itself. */
    static final Duration RESERVATION_TTL = Duration.ofMinutes(10);
    static final long MAX_TOKENS = 100_000_000L;
    private static final long RETRY_STEP_NANOS = Duration.ofMillis(50).toNanos();

    private final LongSupplier clock;
    private final TimeMeter meter;
    private final ScheduledExecutorService timer;
    private final Map<String, Share> shares = new TreeMap<>();
    private final Map<String, Reservation> reservations = new HashMap<>();
    /** Providers the coordinators answered about without a grant: none of that name exists. */
    private final Set<String> unknown = new HashSet<>();
    /** Group -> its providers, lowest priority first; null until the providers were first read. */
    private Map<String, List<String>> groups;
    private Set<String> known;
    private long validUntil;
    private long nextId;

    /** One reservation: what it took, for whom, until when. */
    record Reservation(String id, String provider, String namespace, String agent, long tokens, long expires) {
    }

    /** What the local API answers a reservation or a commit: a status, a body, and when to try again. */
    record Result(int status, Map<String, Object> body, Long retryAfterSeconds) {
        static Result error(int status, String code, String message) {
            return new Result(status, Map.of("error", Map.of("code", code, "message", message)), null);
        }
    }

    /** One provider's share for one namespace's agents. */
    private final class Share {
        final String provider;
        final String namespace;
        double rpm;
        Double tpm;
        Integer maxConcurrent;
        Bucket requests;
        Bucket tokens;
        long tokenCapacity;
        int inFlight;
        int waiting;
        final long[] askedRequests = new long[WINDOW_SECONDS];
        final long[] askedTokens = new long[WINDOW_SECONDS];
        final long[] used = new long[WINDOW_SECONDS];
        long slot = Long.MIN_VALUE;

        Share(String provider, String namespace) {
            this.provider = provider;
            this.namespace = namespace;
        }

        void took(long now) {
            advance(now);
            used[(int) Math.floorMod(slot, (long) WINDOW_SECONDS)]++;
        }

        void ask(long now, long tokenCount) {
            advance(now);
            int i = (int) Math.floorMod(slot, (long) WINDOW_SECONDS);
            askedRequests[i]++;
            askedTokens[i] += tokenCount;
        }

        /** Moves the window to the second of {@code now}, clearing the seconds it passes. */
        void advance(long now) {
            long second = Math.floorDiv(now, 1_000_000_000L);
            if (slot == Long.MIN_VALUE) {
                slot = second;
                return;
            }
            for (long s = slot + 1; s <= second && s <= slot + WINDOW_SECONDS; s++) {
                int i = (int) Math.floorMod(s, (long) WINDOW_SECONDS);
                askedRequests[i] = 0;
                askedTokens[i] = 0;
                used[i] = 0;
            }
            slot = Math.max(slot, second);
        }

        double perMinute(long[] counts) {
            long sum = 0;
            for (long c : counts) {
                sum += c;
            }
            return sum * 60.0 / WINDOW_SECONDS;
        }

        boolean idle(long now) {
            advance(now);
            return rpm == 0 && inFlight == 0 && waiting == 0 && perMinute(askedRequests) == 0;
        }

        void grant(double newRpm, Double newTpm, Integer newConcurrent) {
            rpm = newRpm;
            tpm = newTpm;
            maxConcurrent = newConcurrent;
            requests = configure(requests, (long) Math.floor(newRpm * UNIT), Math.max(UNIT, (long) (newRpm * UNIT / 60)));
            tokenCapacity = newTpm == null ? 0 : Math.max(1, (long) (newTpm / 60));
            tokens = newTpm == null ? null : configure(tokens, (long) Math.floor(newTpm), tokenCapacity);
        }
    }

    ProviderShares(LongSupplier clock, ScheduledExecutorService timer) {
        this.clock = clock;
        this.timer = timer;
        this.validUntil = clock.getAsLong();
        this.meter = new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                return clock.getAsLong();
            }

            @Override
            public boolean isWallClockBased() {
                return false;
            }
        };
    }

    /** What to report with the next renewal: demand and holdings per provider and namespace. */
    synchronized List<ProviderDemand> report() {
        long now = clock.getAsLong();
        List<ProviderDemand> out = new ArrayList<>();
        boolean valid = now - validUntil < 0;
        for (Iterator<Share> it = shares.values().iterator(); it.hasNext(); ) {
            Share s = it.next();
            if (s.idle(now)) {
                it.remove();
                continue;
            }
            out.add(new ProviderDemand(s.provider, s.namespace, s.perMinute(s.askedRequests), s.perMinute(s.askedTokens),
                    s.inFlight + s.waiting, valid ? s.rpm : 0, valid ? s.tpm : Double.valueOf(0),
                    valid ? s.maxConcurrent : Integer.valueOf(0), s.perMinute(s.used)));
        }
        return out;
    }

    /**
     * The answer to a renewal sent at {@code sentAt} that reported {@code reported}: its grants
     * hold until {@code until}; a share it names no grant for gets none, and a provider it names
     * none for at all does not exist.
     */
    synchronized void adopt(List<ProviderDemand> reported, List<ProviderGrant> grants, long until) {
        validUntil = until;
        Map<String, ProviderGrant> byKey = new LinkedHashMap<>();
        Set<String> granted = new HashSet<>();
        for (ProviderGrant g : grants) {
            byKey.put(key(g.provider(), g.namespace()), g);
            granted.add(g.provider());
        }
        for (ProviderDemand d : reported) {
            if (!granted.contains(d.provider())) {
                unknown.add(d.provider());
            }
        }
        unknown.removeAll(granted);
        for (Share s : shares.values()) {
            ProviderGrant g = byKey.get(key(s.provider, s.namespace));
            if (g == null) {
                s.grant(0, 0.0, 0);
            } else {
                s.grant(g.requestsPerMinute(), g.tokensPerMinute(), g.maxConcurrent());
            }
        }
        for (ProviderGrant g : grants) {
            shares.computeIfAbsent(key(g.provider(), g.namespace()), k -> new Share(g.provider(), g.namespace()))
                    .grant(g.requestsPerMinute(), g.tokensPerMinute(), g.maxConcurrent());
        }
    }

    /**
     * The providers as the registry has them (read every few seconds): which exist, and the
     * members of each group in the order a group reservation tries them.
     */
    synchronized void definitions(List<io.agentd.client.api.ProviderView> providers) {
        Map<String, List<io.agentd.client.api.ProviderView>> byGroup = new TreeMap<>();
        Set<String> names = new HashSet<>();
        for (io.agentd.client.api.ProviderView p : providers) {
            names.add(p.name());
            if (p.group() != null) {
                byGroup.computeIfAbsent(p.group(), g -> new ArrayList<>()).add(p);
            }
        }
        Map<String, List<String>> out = new TreeMap<>();
        byGroup.forEach((g, members) -> out.put(g, members.stream()
                .sorted(java.util.Comparator.comparingInt(io.agentd.client.api.ProviderView::priority)
                        .thenComparing(io.agentd.client.api.ProviderView::name))
                .map(io.agentd.client.api.ProviderView::name).toList()));
        groups = out;
        known = names;
        unknown.removeAll(names);
    }

    /** The lease ran out: no grant holds any more. */
    synchronized void lapse() {
        validUntil = clock.getAsLong();
    }

    /**
     * Reserves {@code tokens} and one request of provider {@code name} for an agent of
     * {@code namespace}, waiting up to {@code wait} for the share to allow it. A group's name takes
     * the first of its providers, lowest priority first, with room; the answer says which.
     */
    CompletableFuture<Result> reserve(String name, String namespace, String agent, long tokens, Duration wait) {
        if (tokens < 0 || tokens > MAX_TOKENS) {
            return done(Result.error(400, "INVALID_ARGUMENT", "tokens must be 0 to " + MAX_TOKENS + ", got " + tokens));
        }
        if (wait.isNegative() || wait.compareTo(MAX_WAIT) > 0) {
            return done(Result.error(400, "INVALID_ARGUMENT", "wait must be 0s to 60s, got "
                    + ApiDurations.format(wait)));
        }
        long deadline = clock.getAsLong() + wait.toNanos();
        List<String> candidates;
        synchronized (this) {
            candidates = candidates(name);
            if (candidates == null) {
                return done(Result.error(404, "NOT_FOUND", "no provider or provider group " + name
                        + " is known to the coordinators (agentctl provider list)"));
            }
        }
        CompletableFuture<Result> out = new CompletableFuture<>();
        attempt(name, candidates, namespace, agent, tokens, deadline, out, true);
        return out;
    }

    /** The providers a reservation on {@code name} may take, in order; null when there is none of that name. */
    private List<String> candidates(String name) {
        if (groups != null && groups.containsKey(name) && !known.contains(name)) {
            return groups.get(name);
        }
        if (unknown.contains(name) || known != null && !known.contains(name)) {
            return null;
        }
        return List.of(name);
    }

    private void attempt(String name, List<String> candidates, String namespace, String agent, long tokens,
                         long deadline, CompletableFuture<Result> out, boolean first) {
        long retryNanos = Long.MAX_VALUE;
        synchronized (this) {
            long now = clock.getAsLong();
            if (!first) {
                for (String provider : candidates) {
                    Share s = shares.get(key(provider, namespace));
                    if (s != null) {
                        s.waiting = Math.max(0, s.waiting - 1);
                    }
                }
            }
            for (String provider : candidates) {
                Share s = shares.computeIfAbsent(key(provider, namespace), k -> new Share(provider, namespace));
                if (first) {
                    // Demand: what agents asked of it, whether they got it or not. A group's
                    // later members are asked only when the ones before had no room.
                    s.ask(now, tokens);
                }
                long r = tryTake(s, now, tokens);
                if (r == 0) {
                    s.took(now);
                    String id = "r" + (++nextId);
                    long expires = now + RESERVATION_TTL.toNanos();
                    reservations.put(id, new Reservation(id, provider, namespace, agent, tokens, expires));
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("id", id);
                    body.put("provider", provider);
                    body.put("namespace", namespace);
                    body.put("tokens", tokens);
                    out.complete(new Result(200, body, null));
                    return;
                }
                retryNanos = Math.min(retryNanos, r);
            }
            if (now + retryNanos - deadline > 0) {
                long seconds = Math.max(1, (retryNanos + 999_999_999L) / 1_000_000_000L);
                String what = candidates.size() == 1 && candidates.get(0).equals(name) ? "provider " + name
                        : "provider group " + name + " (" + String.join(", ", candidates) + ")";
                out.complete(new Result(429, Map.of("error", Map.of("code", "TOO_MANY_REQUESTS", "message",
                        "this worker's share of " + what + " for namespace " + namespace + " allows no more now"
                                + (now - validUntil >= 0 ? " (no grant holds: none came yet, or the lease ran out)"
                                : ""))), seconds));
                return;
            }
            for (String provider : candidates) {
                shares.get(key(provider, namespace)).waiting++;
            }
        }
        long delay = Math.max(1_000_000L, Math.min(retryNanos, RETRY_STEP_NANOS * 4));
        timer.schedule(() -> attempt(name, candidates, namespace, agent, tokens, deadline, out, false), delay,
                TimeUnit.NANOSECONDS);
    }

    /** Takes a request (and the tokens and a call slot) when the share allows; else nanos until it may. */
    private long tryTake(Share s, long now, long tokens) {
        if (now - validUntil >= 0 || s.requests == null || s.rpm <= 0) {
            return RETRY_STEP_NANOS * 4;
        }
        if (s.maxConcurrent != null && s.inFlight >= s.maxConcurrent) {
            return RETRY_STEP_NANOS;
        }
        long need = s.tokens == null ? 0 : Math.min(tokens, s.tokenCapacity);
        if (need > 0 && s.tokens.getAvailableTokens() < need) {
            return Math.max(1, s.tokens.estimateAbilityToConsume(need).getNanosToWaitForRefill());
        }
        if (!s.requests.tryConsume(UNIT)) {
            return Math.max(1, s.requests.estimateAbilityToConsume(UNIT).getNanosToWaitForRefill());
        }
        if (s.tokens != null && tokens > 0) {
            // A call larger than what the bucket holds goes once the bucket is full, and leaves it in debt.
            s.tokens.consumeIgnoringRateLimits(tokens);
        }
        s.inFlight++;
        return 0;
    }

    /**
     * Ends a reservation: the call was made and used {@code tokens} (the estimate is reconciled with
     * them), or was not made ({@code tokens} 0 and nothing to reconcile beyond that).
     */
    synchronized Result commit(String id, String agent, long tokens) {
        if (tokens < 0 || tokens > MAX_TOKENS) {
            return Result.error(400, "INVALID_ARGUMENT", "tokens must be 0 to " + MAX_TOKENS + ", got " + tokens);
        }
        Reservation r = reservations.get(id);
        if (r == null || !r.agent().equals(agent)) {
            return Result.error(404, "NOT_FOUND", "no reservation " + id + " of this agent (committed already, or"
                    + " older than " + RESERVATION_TTL.toMinutes() + " minutes)");
        }
        reservations.remove(id);
        Share s = shares.get(key(r.provider(), r.namespace()));
        if (s != null) {
            s.inFlight = Math.max(0, s.inFlight - 1);
            if (s.tokens != null) {
                long more = tokens - r.tokens();
                if (more > 0) {
                    s.tokens.consumeIgnoringRateLimits(more);
                } else if (more < 0) {
                    s.tokens.addTokens(-more);
                }
            }
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", id);
        body.put("committed", true);
        body.put("tokens", tokens);
        return new Result(200, body, null);
    }

    /** Gives back the call slots of reservations never committed. */
    synchronized void expireReservations() {
        long now = clock.getAsLong();
        reservations.values().removeIf(r -> {
            if (now - r.expires() >= 0) {
                Share s = shares.get(key(r.provider(), r.namespace()));
                if (s != null) {
                    s.inFlight = Math.max(0, s.inFlight - 1);
                }
                return true;
            }
            return false;
        });
    }

    /** Per provider and namespace: the grant in force (0 when none holds), for metrics and tests. */
    synchronized Map<String, Double> grants() {
        boolean valid = clock.getAsLong() - validUntil < 0;
        Map<String, Double> out = new TreeMap<>();
        shares.forEach((k, s) -> out.put(k, valid ? s.rpm : 0.0));
        return out;
    }

    private Bucket configure(Bucket bucket, long unitsPerMinute, long units) {
        if (unitsPerMinute < 1) {
            return null;
        }
        // Bucket4j refills at most one unit a nanosecond: a larger grant is as good as unlimited here.
        long perMinute = Math.min(unitsPerMinute, MAX_UNITS_PER_MINUTE);
        long capacity = Math.min(units, MAX_UNITS_PER_MINUTE / 60);
        BucketConfiguration c = BucketConfiguration.builder()
                .addLimit(l -> l.capacity(capacity).refillGreedy(perMinute, Duration.ofMinutes(1)).initialTokens(capacity))
                .build();
        if (bucket == null) {
            return Bucket.builder().withCustomTimePrecision(meter)
                    .addLimit(l -> l.capacity(capacity).refillGreedy(perMinute, Duration.ofMinutes(1))
                            .initialTokens(capacity))
                    .build();
        }
        bucket.replaceConfiguration(c, TokensInheritanceStrategy.AS_IS);
        return bucket;
    }

    private static String key(String provider, String namespace) {
        return provider + "/" + namespace;
    }

    private static <T> CompletableFuture<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }
}
