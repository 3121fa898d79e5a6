package io.agentd.daemon.providers;

import io.agentd.client.api.ProviderDemand;
import io.agentd.client.api.ProviderGrant;
import io.agentd.statemachine.model.Provider;
import io.agentd.statemachine.model.ProviderLimits;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The grant book against a simulated fleet: workers with changing demand that heartbeat over a
 * lossy, slow network, get cut off and come back, and leaders that fail over (a new book that
 * starts empty, after an election gap, while the deposed leader's last answers are still on their
 * way). What every worker may use, by its own clock, never adds up past a limit; and with steady
 * demand the grants settle on the max-min fair shares.
 */
class GrantBookProperties {
    private static final long MS = 1_000_000L;
    private static final long TTL = 10_000 * MS;
    private static final long FENCE_MARGIN = 1_000 * MS;
    private static final long MARGIN = 2_000 * MS;
    private static final long TIMEOUT = 2_000 * MS;
    private static final List<String> NAMESPACES = List.of("a", "b");

    /** One simulated worker: what it enforces, what it asks, and the heartbeat it waits on. */
    private static final class SimWorker {
        final String id;
        final Map<String, double[]> grants = new TreeMap<>();
        long validUntil = Long.MIN_VALUE;
        final Map<String, double[]> demand = new TreeMap<>();
        long nextBeat;
        boolean cutOff;
        // the heartbeat in flight
        long sentAt = -1;
        long answerAt;
        List<ProviderGrant> answer;

        SimWorker(String id) {
            this.id = id;
        }

        boolean valid(long now) {
            return now - validUntil < 0;
        }
    }

    private static Provider provider(long rpm, long tpm, int concurrent, Map<String, Integer> shares) {
        return new Provider("p", new ProviderLimits(rpm, tpm, concurrent, "", 0, new TreeMap<>(shares), 0), 1, 1);
    }

    private static List<ProviderDemand> report(SimWorker w, long now) {
        List<ProviderDemand> out = new ArrayList<>();
        for (String ns : NAMESPACES) {
            double[] d = w.demand.getOrDefault(ns, new double[3]);
            double[] g = w.valid(now) ? w.grants.get(ns) : null;
            if (g == null && d[0] == 0 && d[1] == 0 && d[2] == 0) {
                continue;
            }
            Double tokens = null;
            Integer calls = null;
            if (g == null) {
                tokens = 0.0;
                calls = 0;
            } else {
                if (g[1] < GrantBook.UNBOUNDED) {
                    tokens = g[1];
                }
                if (g[2] < GrantBook.UNBOUNDED) {
                    calls = (int) g[2];
                }
            }
            out.add(new ProviderDemand("p", ns, d[0], d[1], (int) d[2], g == null ? 0 : g[0], tokens, calls));
        }
        return out;
    }

    @Property(tries = 40)
    void whatWorkersMayUseNeverPassesTheLimit(@ForAll @LongRange(min = 1, max = Long.MAX_VALUE) long seed,
                                              @ForAll @IntRange(min = 1, max = 8) int workerCount) {
        Random random = new Random(seed);
        long rpm = 60 + random.nextInt(6000);
        long tpm = random.nextBoolean() ? 0 : 1000 + random.nextInt(100_000);
        int concurrent = random.nextBoolean() ? 0 : 1 + random.nextInt(40);
        Provider p = provider(rpm, tpm, concurrent, random.nextBoolean() ? Map.of("a", 3) : Map.of());
        Map<String, Provider> providers = Map.of("p", p);
        double[] limit = GrantBook.limits(p.limits());

        List<SimWorker> workers = new ArrayList<>();
        for (int i = 0; i < workerCount; i++) {
            SimWorker w = new SimWorker("w" + i);
            w.nextBeat = random.nextInt(1000) * MS;
            workers.add(w);
        }
        GrantBook book = new GrantBook(0, TTL, MARGIN);
        long electionUntil = -1; // no leader until then, after a failover
        long nextFailover = (20_000 + random.nextInt(40_000)) * MS;
        long nextSweep = 1_000 * MS;
        for (long now = 0; now < 150_000 * MS; now += 50 * MS) {
            if (now >= nextFailover) {
                book = null; // the leader dies; answers it already made are still on their way
                electionUntil = now + random.nextInt(3000) * MS;
                nextFailover = now + (15_000 + random.nextInt(40_000)) * MS;
            }
            if (book == null && now >= electionUntil) {
                book = new GrantBook(now, TTL, MARGIN);
            }
            if (book != null && now >= nextSweep) {
                book.sweep(now, providers);
                nextSweep = now + 500 * MS;
            }
            for (SimWorker w : workers) {
                if (random.nextInt(400) == 0) {
                    w.cutOff = !w.cutOff;
                }
                if (random.nextInt(300) == 0) {
                    for (String ns : NAMESPACES) {
                        w.demand.put(ns, random.nextInt(4) == 0 ? new double[3] : new double[] {
                                random.nextDouble() * rpm, random.nextDouble() * Math.max(tpm, 1000),
                                random.nextInt(Math.max(concurrent, 1) + 1)});
                    }
                }
                if (w.sentAt >= 0 && w.answer != null && now >= w.answerAt) {
                    if (now - w.sentAt <= TIMEOUT) { // a late answer is dropped, as the client's timeout does
                        w.grants.clear();
                        for (ProviderGrant g : w.answer) {
                            w.grants.put(g.namespace(), new double[] {g.requestsPerMinute(),
                                    g.tokensPerMinute() == null ? GrantBook.UNBOUNDED : g.tokensPerMinute(),
                                    g.maxConcurrent() == null ? GrantBook.UNBOUNDED : g.maxConcurrent()});
                        }
                        w.validUntil = w.sentAt + TTL - FENCE_MARGIN;
                    }
                    w.sentAt = -1;
                    w.answer = null;
                }
                if (w.sentAt >= 0 && now - w.sentAt > TIMEOUT) {
                    w.sentAt = -1; // gave up on it
                    w.answer = null;
                }
                if (w.sentAt < 0 && now >= w.nextBeat) {
                    w.nextBeat = now + (800 + random.nextInt(400)) * MS;
                    w.sentAt = now;
                    if (!w.cutOff && book != null && random.nextInt(10) != 0) {
                        long arrives = now + random.nextInt(200) * MS;
                        // the leader handles it on arrival; modelled as at once, answered later
                        w.answer = book.heartbeat(w.id, arrives, report(w, now), providers);
                        w.answerAt = arrives + random.nextInt(2500) * MS; // some answers come too late
                    }
                }
            }
            for (int k = 0; k < 3; k++) {
                if (limit[k] >= GrantBook.UNBOUNDED) {
                    continue;
                }
                double used = 0;
                for (SimWorker w : workers) {
                    if (w.valid(now)) {
                        for (double[] g : w.grants.values()) {
                            used += GrantBook.footprint(k, g[k]);
                        }
                    }
                }
                assertThat(used).as("dimension %d at %d ms (seed %d)", k, now / MS, seed)
                        .isLessThanOrEqualTo(limit[k] * (1 + 1e-9) + 1e-6);
            }
        }
    }

    @Property(tries = 40)
    void withSteadyDemandTheGrantsSettleOnTheFairShares(@ForAll @LongRange(min = 1, max = Long.MAX_VALUE) long seed,
                                                        @ForAll @IntRange(min = 1, max = 8) int workerCount) {
        Random random = new Random(seed);
        long rpm = 60 + random.nextInt(6000);
        Map<String, Integer> shares = random.nextBoolean() ? Map.of("a", 3) : Map.of();
        Provider p = provider(rpm, 0, 0, shares);
        Map<String, Provider> providers = Map.of("p", p);
        List<FairShare.Claim> claims = new ArrayList<>();
        List<Map<String, double[]>> demands = new ArrayList<>();
        for (int i = 0; i < workerCount; i++) {
            Map<String, double[]> d = new TreeMap<>();
            for (String ns : NAMESPACES) {
                double r = random.nextInt(3) == 0 ? 0 : random.nextDouble() * rpm;
                d.put(ns, new double[] {r, 0, 0});
                claims.add(new FairShare.Claim("w" + i, ns, r));
            }
            demands.add(d);
        }
        double capacity = GrantBook.limits(p.limits())[0] * GrantBook.BURST_HEADROOM;
        double asked = claims.stream().mapToDouble(FairShare.Claim::demand).sum();

        // A new leader: learning first, then every worker heartbeats once a second and uses its grant.
        GrantBook book = new GrantBook(0, TTL, MARGIN);
        Map<String, Map<String, double[]>> held = new TreeMap<>();
        for (long now = 0; now < 40_000 * MS; now += 1_000 * MS) {
            book.sweep(now, providers);
            for (int i = 0; i < workerCount; i++) {
                String id = "w" + i;
                List<ProviderDemand> report = new ArrayList<>();
                for (String ns : NAMESPACES) {
                    double[] d = demands.get(i).get(ns);
                    double h = held.getOrDefault(id, Map.of()).getOrDefault(ns, new double[1])[0];
                    report.add(new ProviderDemand("p", ns, d[0], 0, 0, h, null, null));
                }
                Map<String, double[]> got = new TreeMap<>();
                for (ProviderGrant g : book.heartbeat(id, now + i * MS, report, providers)) {
                    got.put(g.namespace(), new double[] {g.requestsPerMinute()});
                }
                held.put(id, got);
            }
        }
        double granted = 0;
        double footprints = 0;
        for (FairShare.Claim claim : claims) {
            double g = held.get(claim.worker()).get(claim.namespace())[0];
            granted += g;
            footprints += GrantBook.footprint(0, g);
        }
        assertThat(footprints).as("seed %d", seed).isLessThanOrEqualTo(rpm * (1 + 1e-9));
        if (asked > capacity) {
            // All of the limit is handed out but what buckets hold (a second, or one request) ...
            assertThat(granted).as("seed %d", seed).isGreaterThanOrEqualTo(capacity - claims.size() - 1e-6 * capacity);
            // ... and it is divided max-min fairly.
            double[] fairOfGranted = FairShare.divide(granted, claims, shares);
            for (int c = 0; c < claims.size(); c++) {
                FairShare.Claim claim = claims.get(c);
                assertThat(held.get(claim.worker()).get(claim.namespace())[0])
                        .as("%s/%s (seed %d)", claim.worker(), claim.namespace(), seed)
                        .isCloseTo(fairOfGranted[c], within(1e-6 * capacity));
            }
        } else {
            for (FairShare.Claim claim : claims) {
                assertThat(held.get(claim.worker()).get(claim.namespace())[0])
                        .as("%s/%s (seed %d)", claim.worker(), claim.namespace(), seed)
                        .isGreaterThanOrEqualTo(claim.demand() - 1e-6 * capacity);
            }
        }
    }
}
