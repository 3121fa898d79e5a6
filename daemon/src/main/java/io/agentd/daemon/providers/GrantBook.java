package io.agentd.daemon.providers;

import io.agentd.client.api.ProviderDemand;
import io.agentd.client.api.ProviderGrant;
import io.agentd.statemachine.model.Provider;
import io.agentd.statemachine.model.ProviderLimits;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The leader's book of what each worker holds of each provider's limits: leader soft state of one
 * term, like leases, never in the log (docs/providers.md says why the sum of what workers may use
 * never passes a limit, during a failover too).
 *
 * <p>Each limit is a vector of three dimensions: requests a minute, tokens a minute, calls in
 * flight. For every provider and dimension the book keeps the total it must assume workers may
 * use: per worker the larger of what it said it held in its last heartbeat and what the answer to
 * that heartbeat granted, until the lease that heartbeat renewed runs out. A grant never raises a
 * total past the limit. Until one lease period (plus a margin) has passed since the term began, a
 * worker is granted no more than it says it holds: grants of the previous leader the book cannot
 * know of may still be in force until then.
 *
 * <p>Targets, what each worker should get, come from {@link FairShare} over every worker's
 * demand, recomputed by {@link #sweep} (every half second in a server) outside the lock that
 * heartbeats take, so that a large fleet's division never holds up a renewal; a claim the last
 * division did not see gets nothing until the next. Thread-safe.
 */
public final class GrantBook {
    static final int REQUESTS = 0;
    static final int TOKENS = 1;
    static final int CONCURRENT = 2;
    private static final int DIMENSIONS = 3;
    /**
     * A worker's bucket holds up to a second of its rate, and at least one request: in any minute
     * a grant of {@code g} requests a minute allows {@code g + max(g/60, 1)} (its
     * {@link #footprint}), and the book keeps the footprints' sum within the limit
     * (docs/providers.md, "What a limit allows"). Targets are divided from this much of it.
     */
    static final double BURST_HEADROOM = 60.0 / 61.0;
    /**
     * No bound, in a dimension the provider does not limit (or a worker holds without a bound):
     * finite, so that totals stay exact sums; far above any limit a provider may set.
     */
    public static final double UNBOUNDED = 1e15;

    private final long ttl;
    private final long learnUntil;
    private final Map<String, Holder> workers = new HashMap<>();
    /** Provider -> the total per dimension the book must assume is in use. */
    private final Map<String, double[]> totals = new HashMap<>();
    /** Provider -> namespace -> worker -> target per dimension. */
    /** Immutable once published; replaced whole by each division. */
    private volatile Map<String, Map<String, Map<String, double[]>>> targets = new HashMap<>();

    /** What one worker said and was answered at its last heartbeat. */
    private static final class Holder {
        long until;
        /** What this worker adds to {@link #totals} now. */
        Map<String, double[]> inTotals = Map.of();
        Map<String, Map<String, double[]>> held = new TreeMap<>();
        Map<String, Map<String, double[]>> granted = new TreeMap<>();
        Map<String, Map<String, double[]>> demand = new TreeMap<>();
        /** Provider -> namespace -> reservations taken a minute, as the worker last said (NaN: it did not say). */
        Map<String, Map<String, Double>> used = new TreeMap<>();
    }

    /** One worker's share of a provider for one namespace, as {@code provider get} shows it. */
    public record WorkerShare(String worker, String namespace, double[] granted, double[] asked, double used) {
    }

    /**
     * @param start when the term began (nanos, the book's clock)
     * @param ttlNanos the lease TTL: a grant holds at most that long after the heartbeat it answers
     * @param marginNanos added to the TTL for the learning period (clock rates, a deposed leader's last answers)
     */
    public GrantBook(long start, long ttlNanos, long marginNanos) {
        this.ttl = ttlNanos;
        this.learnUntil = start + ttlNanos + marginNanos;
    }

    /** Whether the book still grants no more than workers hold (the first lease period of a term). */
    public synchronized boolean learning(long now) {
        return now - learnUntil < 0;
    }

    /**
     * One worker's heartbeat at {@code now}: records what it holds and asks, and answers its grants.
     *
     * @param providers the providers as the registry has them now, by name
     */
    public synchronized List<ProviderGrant> heartbeat(String worker, long now, List<ProviderDemand> report,
                                                      Map<String, Provider> providers) {
        Holder h = workers.computeIfAbsent(worker, w -> new Holder());
        h.until = now + ttl;
        h.held = new TreeMap<>();
        h.demand = new TreeMap<>();
        h.used = new TreeMap<>();
        for (ProviderDemand d : report) {
            h.held.computeIfAbsent(d.provider(), p -> new TreeMap<>()).put(d.namespace(), new double[] {
                    d.heldRequestsPerMinute(), orUnbounded(d.heldTokensPerMinute()),
                    d.heldConcurrent() == null ? UNBOUNDED : d.heldConcurrent()});
            h.demand.computeIfAbsent(d.provider(), p -> new TreeMap<>()).put(d.namespace(),
                    new double[] {d.requestsPerMinute(), d.tokensPerMinute(), d.concurrent()});
            h.used.computeIfAbsent(d.provider(), p -> new TreeMap<>()).put(d.namespace(),
                    d.usedRequestsPerMinute() == null ? Double.NaN : d.usedRequestsPerMinute());
        }
        h.granted = new TreeMap<>();
        // What the worker holds now replaces what was granted before: it adopts only answers to
        // heartbeats it sends from now on.
        account(h);
        List<ProviderGrant> out = new ArrayList<>();
        Map<String, double[]> without = h.inTotals;
        for (Map.Entry<String, Map<String, double[]>> byProvider : h.demand.entrySet()) {
            Provider p = providers.get(byProvider.getKey());
            if (p == null) {
                continue; // deleted: nothing is granted, and what it held lapses
            }
            double[] limit = limits(p.limits());
            Map<String, double[]> want = new TreeMap<>();
            double[] wantSum = new double[DIMENSIONS];
            for (String ns : byProvider.getValue().keySet()) {
                double[] t = target(p.name(), ns, worker);
                double[] held = h.held.get(p.name()).get(ns);
                double[] g = new double[DIMENSIONS];
                for (int k = 0; k < DIMENSIONS; k++) {
                    g[k] = learning(now) ? Math.min(t[k], held[k]) : t[k];
                    wantSum[k] += g[k];
                }
                want.put(ns, g);
            }
            double[] total = totals.getOrDefault(p.name(), new double[DIMENSIONS]);
            double[] mine = without.getOrDefault(p.name(), new double[DIMENSIONS]);
            double[] scale = new double[DIMENSIONS];
            for (int k = 0; k < DIMENSIONS; k++) {
                scale[k] = limit[k] >= UNBOUNDED ? 1 : scaleToFit(k, want.values(), limit[k] - (total[k] - mine[k]));
            }
            for (Map.Entry<String, double[]> e : want.entrySet()) {
                double[] g = e.getValue();
                for (int k = 0; k < DIMENSIONS; k++) {
                    g[k] = limit[k] >= UNBOUNDED ? UNBOUNDED : g[k] * scale[k];
                }
                g[CONCURRENT] = Math.floor(g[CONCURRENT]);
                h.granted.computeIfAbsent(p.name(), x -> new TreeMap<>()).put(e.getKey(), g);
                out.add(new ProviderGrant(p.name(), e.getKey(), g[REQUESTS],
                        g[TOKENS] >= UNBOUNDED ? null : g[TOKENS],
                        g[CONCURRENT] >= UNBOUNDED ? null : (int) g[CONCURRENT]));
            }
        }
        account(h);
        return out;
    }

    /**
     * Drops workers whose last grant has run out, then divides the limits again from the live
     * workers' demand: the demand is read under the lock, the division made outside it.
     */
    public void sweep(long now, Map<String, Provider> providers) {
        Map<String, Map<String, Map<String, double[]>>> demands = new TreeMap<>();
        synchronized (this) {
            workers.entrySet().removeIf(e -> {
                if (now - e.getValue().until >= 0) {
                    subtract(e.getValue().inTotals);
                    return true;
                }
                return false;
            });
            // Each heartbeat replaces a worker's demand map whole, so the maps read here do not change.
            workers.forEach((w, h) -> demands.put(w, h.demand));
        }
        targets = divide(demands, providers);
    }

    /** Every live worker's share of {@code provider}, by worker and namespace. */
    public synchronized List<WorkerShare> shares(String provider, long now) {
        List<WorkerShare> out = new ArrayList<>();
        new TreeMap<>(workers).forEach((w, h) -> {
            if (now - h.until >= 0) {
                return;
            }
            Map<String, double[]> asked = h.demand.getOrDefault(provider, Map.of());
            Map<String, double[]> granted = h.granted.getOrDefault(provider, Map.of());
            java.util.Set<String> namespaces = new java.util.TreeSet<>(asked.keySet());
            namespaces.addAll(granted.keySet());
            for (String ns : namespaces) {
                out.add(new WorkerShare(w, ns, granted.getOrDefault(ns, new double[DIMENSIONS]).clone(),
                        asked.getOrDefault(ns, new double[DIMENSIONS]).clone(),
                        h.used.getOrDefault(provider, Map.of()).getOrDefault(ns, Double.NaN)));
            }
        });
        return out;
    }

    /** The request, token and concurrency limits: {@link #UNBOUNDED} where the provider sets none. */
    static double[] limits(ProviderLimits l) {
        return new double[] {l.requestsPerMinute(),
                l.tokensPerMinute() == 0 ? UNBOUNDED : l.tokensPerMinute(),
                l.maxConcurrent() == 0 ? UNBOUNDED : l.maxConcurrent()};
    }

    /**
     * What a grant of {@code g} may use of a limit in a minute: the rate and what its bucket holds
     * (a second of the rate, and for requests at least one); for calls in flight, the grant.
     */
    static double footprint(int dimension, double g) {
        if (g <= 0 || g >= UNBOUNDED) {
            return Math.max(g, 0);
        }
        return switch (dimension) {
            case REQUESTS -> g + Math.max(g / 60, 1);
            case TOKENS -> g + g / 60;
            default -> g;
        };
    }

    /** The largest factor in [0, 1] by which {@code wants} fit in {@code free} by their footprints. */
    private static double scaleToFit(int k, java.util.Collection<double[]> wants, double free) {
        if (sumFootprint(k, wants, 1) <= free) {
            return 1;
        }
        double lo = 0;
        double hi = 1;
        for (int i = 0; i < 40; i++) {
            double mid = (lo + hi) / 2;
            if (sumFootprint(k, wants, mid) <= free) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static double sumFootprint(int k, java.util.Collection<double[]> wants, double scale) {
        double sum = 0;
        for (double[] w : wants) {
            sum += footprint(k, w[k] * scale);
        }
        return sum;
    }

    private double[] target(String provider, String ns, String worker) {
        Map<String, Map<String, double[]>> byNs = targets.get(provider);
        double[] t = byNs == null || byNs.get(ns) == null ? null : byNs.get(ns).get(worker);
        return t == null ? new double[DIMENSIONS] : t;
    }

    /** Every worker's target, from every live worker's demand (worker -> provider -> namespace -> demand). */
    private static Map<String, Map<String, Map<String, double[]>>> divide(
            Map<String, Map<String, Map<String, double[]>>> demands, Map<String, Provider> providers) {
        Map<String, Map<String, Map<String, double[]>>> next = new HashMap<>();
        for (Provider p : providers.values()) {
            List<FairShare.Claim>[] claims = newClaims();
            List<String> workerOf = new ArrayList<>();
            for (Map.Entry<String, Map<String, Map<String, double[]>>> w : demands.entrySet()) {
                Map<String, double[]> d = w.getValue().get(p.name());
                if (d == null) {
                    continue;
                }
                for (Map.Entry<String, double[]> e : d.entrySet()) {
                    for (int k = 0; k < DIMENSIONS; k++) {
                        claims[k].add(new FairShare.Claim(w.getKey(), e.getKey(), e.getValue()[k]));
                    }
                    workerOf.add(w.getKey());
                }
            }
            double[] limit = limits(p.limits());
            double[][] parts = new double[DIMENSIONS][];
            for (int k = 0; k < DIMENSIONS; k++) {
                parts[k] = limit[k] >= UNBOUNDED ? null : fit(k, limit[k], claims[k], p.limits().shares());
            }
            Map<String, Map<String, double[]>> byNs = new HashMap<>();
            for (int i = 0; i < workerOf.size(); i++) {
                double[] t = new double[DIMENSIONS];
                for (int k = 0; k < DIMENSIONS; k++) {
                    t[k] = parts[k] == null ? UNBOUNDED : parts[k][i];
                }
                byNs.computeIfAbsent(claims[REQUESTS].get(i).namespace(), x -> new HashMap<>()).put(workerOf.get(i), t);
            }
            next.put(p.name(), byNs);
        }
        return next;
    }

    /**
     * The fair division of as much of {@code limit} as keeps the targets' footprints within it:
     * a second of burst, and for small request grants the one request a bucket always holds.
     */
    private static double[] fit(int k, double limit, List<FairShare.Claim> claims, Map<String, Integer> shares) {
        double capacity = k == CONCURRENT ? limit : limit * BURST_HEADROOM;
        double[] parts = null;
        for (int round = 0; round < 8 && capacity > 0; round++) {
            parts = withLeftover(capacity, claims, FairShare.divide(capacity, claims, shares));
            double used = 0;
            for (double v : parts) {
                used += footprint(k, v);
            }
            if (used <= limit) {
                return parts;
            }
            capacity -= (used - limit) + 1e-9 * limit;
        }
        return parts == null || capacity <= 0 ? new double[claims.size()] : parts;
    }

    @SuppressWarnings("unchecked")
    private static List<FairShare.Claim>[] newClaims() {
        List<FairShare.Claim>[] c = new List[DIMENSIONS];
        for (int k = 0; k < DIMENSIONS; k++) {
            c[k] = new ArrayList<>();
        }
        return c;
    }

    /**
     * What the demands leave of a limit goes to the claims in proportion to their demand, so a
     * worker whose demand grows has room before its next heartbeat says so.
     */
    private static double[] withLeftover(double limit, List<FairShare.Claim> claims, double[] parts) {
        double used = 0;
        double demand = 0;
        for (int i = 0; i < parts.length; i++) {
            used += parts[i];
            demand += claims.get(i).demand();
        }
        double left = limit - used;
        if (left <= 0 || demand <= 0) {
            return parts;
        }
        double[] out = parts.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] += left * claims.get(i).demand() / demand;
        }
        return out;
    }

    /** Per provider, what the book counts for one worker: the larger of held and granted. */
    private static Map<String, double[]> counted(Holder h) {
        Map<String, double[]> out = new HashMap<>();
        for (Map<String, Map<String, double[]>> side : List.of(h.held, h.granted)) {
            side.forEach((p, byNs) -> {
                double[] sum = new double[DIMENSIONS];
                byNs.values().forEach(v -> {
                    for (int k = 0; k < DIMENSIONS; k++) {
                        sum[k] += footprint(k, v[k]);
                    }
                });
                double[] c = out.computeIfAbsent(p, x -> new double[DIMENSIONS]);
                for (int k = 0; k < DIMENSIONS; k++) {
                    c[k] = Math.max(c[k], sum[k]);
                }
            });
        }
        return out;
    }

    /** Replaces what {@code h} adds to the totals with what it holds and was granted now. */
    private void account(Holder h) {
        subtract(h.inTotals);
        h.inTotals = counted(h);
        h.inTotals.forEach((p, v) -> {
            double[] t = totals.computeIfAbsent(p, x -> new double[DIMENSIONS]);
            for (int k = 0; k < DIMENSIONS; k++) {
                t[k] += v[k];
            }
        });
    }

    private void subtract(Map<String, double[]> counted) {
        counted.forEach((p, v) -> {
            double[] t = totals.get(p);
            for (int k = 0; k < DIMENSIONS; k++) {
                t[k] -= v[k];
            }
        });
    }

    private static double orUnbounded(Double v) {
        return v == null ? UNBOUNDED : v;
    }
}
