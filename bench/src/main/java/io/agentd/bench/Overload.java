package io.agentd.bench;

import io.agentd.client.AgentdClient;
import io.agentd.client.AgentdException;
import io.agentd.client.api.AgentSpecView;
import io.agentd.client.api.SpawnRequest;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Writes past what a cluster can take, and what it does about it. The write is a metadata update
 * ({@code PUT /v1/namespaces/default/agents/NAME/metadata/k}) of a fixed set of agents, spread over
 * every server (followers forward theirs to the leader): it goes through the log like a spawn but
 * leaves the registry the same size, so memory says what the load holds, not what the state grew.
 *
 * <p>First a closed loop warms the servers up and gives a first guess (every connection sends again
 * as soon as it has its answer); short open-loop probes around it find the sustainable rate, the
 * highest that sheds (almost) nothing. Then, for each level (1x, 2x, 4x that rate), an open loop: sends at their
 * intended times whatever the answers do, latency from the intended time. Per level: the admitted
 * writes per second and their latency, the share answered 429, every other outcome (which should
 * be none), and the largest resident set of each server while it ran.
 */
final class Overload {
    static final String HELP = """
            overload: open-loop writes at multiples of the sustainable rate (closed loop)
              --servers URLS             the cluster's API URLs, comma-separated (required)
              --agents N                 agents whose metadata the load updates (default 900)
              --closed-connections N     connections of the closed loop, over all servers (default 64)
              --connections N            connections per server in the open loop (default 128)
              --io-threads N             load generator threads per server (default 1)
              --warmup D                 closed loop before it is measured (default 30s)
              --seconds D                each measured window (default 20s)
              --settle D                 unmeasured start of each open-loop level (default 3s)
              --levels X,Y,...           multiples of the sustainable rate (default 1,2,4)
              --rate R                   writes/s for 1x instead of the probes' (the closed loop still runs, as warm-up)
              --timeout-ms N             a request without an answer this long is an error (default 30000)
              --server-pids N=P,...      report the largest resident set of these processes per level
              --token-file FILE          the API token to send
            """;

    private Overload() {
    }

    /** What one level (or the closed loop) measured. */
    private static final class Tally implements NioLoad.Listener {
        final Recorder latency = new Recorder(3);
        /** From the actual send to the answer: the servers' part of the latency. */
        final Recorder service = new Recorder(3);
        /** How late the generator sent (intended to sent): when large, the generator, not the servers, was the limit. */
        final Recorder lag = new Recorder(3);
        final LongAdder admitted = new LongAdder();
        final LongAdder shed = new LongAdder();
        final LongAdder sent = new LongAdder();
        final Map<String, LongAdder> other = new ConcurrentHashMap<>();

        @Override
        public void done(LoadRun run, int worker, long intended, long sentAt, long doneAt, int status, String error) {
            if (!run.measures(intended)) {
                return;
            }
            sent.increment();
            lag.recordValue(Math.max(0, (sentAt - intended) / 1000));
            if (status >= 200 && status < 300) {
                admitted.increment();
                latency.recordValue(Math.max(0, (doneAt - intended) / 1000));
                service.recordValue(Math.max(0, (doneAt - sentAt) / 1000));
            } else if (status == 429) {
                shed.increment();
            } else {
                other.computeIfAbsent(status == 0 ? error : "http_" + status, k -> new LongAdder()).increment();
            }
        }
    }

    static int run(String[] argv) {
        Args a;
        try {
            a = Args.parse(argv, Set.of("help"));
            if (a.flag("help")) {
                System.out.print(HELP);
                return 0;
            }
            return run(a);
        } catch (IllegalArgumentException e) {
            System.err.println("overload: " + e.getMessage());
            return 2;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        } catch (RuntimeException e) {
            System.err.println("overload: " + e);
            return 1;
        }
    }

    private static int run(Args a) throws InterruptedException {
        List<URI> servers = new ArrayList<>();
        for (String s : a.string("servers", null).split(",")) {
            servers.add(URI.create(s.strip()));
        }
        int agents = a.integer("agents", 900);
        int closedConnections = a.integer("closed-connections", 64);
        int connections = a.integer("connections", 128);
        int ioThreads = a.integer("io-threads", 1);
        Duration warmup = a.duration("warmup", "30s");
        Duration window = a.duration("seconds", "20s");
        Duration settle = a.duration("settle", "3s");
        List<Double> levels = new ArrayList<>();
        for (String l : a.string("levels", "1,2,4").split(",")) {
            levels.add(Double.parseDouble(l.strip()));
        }
        double givenRate = a.decimal("rate", 0);
        int timeoutMs = a.integer("timeout-ms", 30_000);
        Map<String, Long> pids = new TreeMap<>();
        for (String p : a.string("server-pids", "").split(",")) {
            if (!p.isBlank()) {
                String[] kv = p.split("=");
                pids.put(kv[0].strip(), Long.parseLong(kv[1].strip()));
            }
        }
        String token = Auth.token(a);
        a.finish();

        AgentdClient client = AgentdClient.builder().endpoints(servers).token(token).build();
        String[] names = new String[agents];
        for (int i = 0; i < agents; i++) {
            names[i] = "ov-" + i;
            try {
                client.spawn("default", new SpawnRequest(names[i], new AgentSpecView("sleep", List.of("3600"),
                        Map.of(), null, null, Map.of(), Map.of(), null)));
            } catch (AgentdException e) {
                if (!AgentdException.ALREADY_EXISTS.equals(e.code())) {
                    throw e;
                }
            }
        }
        // Per server, the requests for its share of the agents.
        List<byte[][]> requests = new ArrayList<>();
        List<InetSocketAddress> targets = new ArrayList<>();
        for (int s = 0; s < servers.size(); s++) {
            List<byte[]> mine = new ArrayList<>();
            for (int i = s; i < agents; i += servers.size()) {
                mine.add(HttpConn.request("PUT", "/v1/namespaces/default/agents/" + names[i] + "/metadata/k", "agentd",
                        token, "{\"value\":\"overload\"}".getBytes(StandardCharsets.UTF_8)));
            }
            requests.add(mine.toArray(new byte[0][]));
            targets.add(new InetSocketAddress(servers.get(s).getHost(), servers.get(s).getPort()));
        }
        System.out.printf("%d agents, %d servers; load: PUT metadata (one log write each)%n", agents, servers.size());

        double sustainable;
        {
            Tally closed = new Tally();
            long t0 = System.nanoTime();
            long from = t0 + warmup.toNanos();
            long to = from + window.toNanos();
            List<NioLoad> loads = new ArrayList<>();
            for (int s = 0; s < servers.size(); s++) {
                int conns = Math.max(1, closedConnections / servers.size());
                LoadRun run = LoadRun.closed(requests.get(s).length, t0, true, from, to);
                InetSocketAddress t = targets.get(s);
                NioLoad l = new NioLoad(conns, Math.min(ioThreads, conns), timeoutMs, requests.get(s), null, () -> t,
                        () -> run, closed, new LongAdder());
                loads.add(l);
                l.start();
            }
            System.out.printf("closed loop: %d connections, %ds warm-up, %ds measured%n", closedConnections,
                    warmup.toSeconds(), window.toSeconds());
            sleepUntil(to + 200_000_000L);
            for (NioLoad l : loads) {
                l.stop(5_000);
            }
            Histogram h = closed.latency.getIntervalHistogram();
            sustainable = givenRate > 0 ? givenRate : closed.admitted.sum() / (window.toNanos() / 1e9);
            System.out.printf("RESULT closed connections=%d rate=%s%s shed=%d other=%s%n", closedConnections,
                    Report.fmt(closed.admitted.sum() / (window.toNanos() / 1e9), 0), Report.latencyFields(h, ""),
                    closed.shed.sum(), other(closed));
            sleepUntil(System.nanoTime() + settle.toNanos());
        }
        if (sustainable < 1) {
            throw new IllegalStateException("the closed loop admitted no writes");
        }

        if (givenRate <= 0) {
            sustainable = probeSustainable(sustainable, requests, targets, servers, connections, ioThreads, timeoutMs);
        }

        Map<Double, double[]> summary = new LinkedHashMap<>(); // level -> {admitted/s, p99 ms}
        for (double level : levels) {
            double total = sustainable * level;
            Level l = openLoop(total, settle, window, requests, targets, servers, connections, ioThreads, timeoutMs, pids);
            Histogram h = l.tally.latency.getIntervalHistogram();
            StringBuilder rss = new StringBuilder();
            l.rssMax.forEach((id, b) -> rss.append(" rss_max_mb_").append(id).append('=').append(b >> 20));
            l.queuedMax.forEach((id, q) -> rss.append(" queued_max_").append(id).append('=').append(q));
            l.heldMax.forEach((id, q) -> rss.append(" held_max_").append(id).append('=').append(q));
            l.standingPct.forEach((id, q) -> rss.append(" delay_bound_pct_").append(id).append('=').append(q));
            l.shedForDelay.forEach((id, q) -> rss.append(" shed_for_delay_").append(id).append('=').append(q));
            Histogram lag = l.tally.lag.getIntervalHistogram();
            rss.append(" send_lag_p99_ms=").append(Report.ms(Report.pct(lag, 99)));
            rss.append(" service_p99_ms=").append(Report.ms(Report.pct(l.tally.service.getIntervalHistogram(), 99)));
            System.out.printf("RESULT level=%s offered=%s sent=%d admitted_rate=%s%s shed_pct=%s other=%s%s%n",
                    Report.fmt(level, 0), Report.fmt(total, 0), l.tally.sent.sum(), Report.fmt(l.admittedRate, 0),
                    Report.latencyFields(h, ""), Report.fmt(l.shedPct, 1), other(l.tally), rss);
            summary.put(level, new double[]{l.admittedRate, h.getTotalCount() == 0 ? Double.NaN
                    : h.getValueAtPercentile(99) / 1000.0});
            sleepUntil(System.nanoTime() + settle.toNanos());
        }
        double[] base = summary.get(1.0);
        if (base != null) {
            StringBuilder s = new StringBuilder("SUMMARY sustainable_rate=" + Report.fmt(sustainable, 0));
            boolean met = true;
            for (Map.Entry<Double, double[]> e : summary.entrySet()) {
                if (e.getKey() == 1.0) {
                    continue;
                }
                double p99Ratio = e.getValue()[1] / base[1];
                double thrRatio = e.getValue()[0] / base[0];
                s.append(" p99_ratio_").append(Report.fmt(e.getKey(), 0)).append("x=").append(Report.fmt(p99Ratio, 2))
                        .append(" throughput_ratio_").append(Report.fmt(e.getKey(), 0)).append("x=")
                        .append(Report.fmt(thrRatio, 2));
                met &= p99Ratio <= 2.0 && thrRatio >= 0.9;
            }
            System.out.println(s.append(" targets_met=").append(met ? "yes" : "no"));
        }
        return 0;
    }

    /** The most a level may shed and still count as sustainable: a write in a hundred. */
    private static final double SUSTAINABLE_SHED_PCT = 1.0;

    /**
     * The highest open-loop rate the cluster admits without shedding (at most {@link
     * #SUSTAINABLE_SHED_PCT}), from short probes around the closed loop's rate: a closed loop's rate
     * is not sustainable in an open loop (its arrivals wait for answers; an open loop's bunch up), so
     * 1x is measured the way the levels are sent.
     */
    private static double probeSustainable(double closedRate, List<byte[][]> requests, List<InetSocketAddress> targets,
                                           List<URI> servers, int connections, int ioThreads, int timeoutMs)
            throws InterruptedException {
        Duration settle = Duration.ofSeconds(2);
        Duration window = Duration.ofSeconds(6);
        double rate = closedRate;
        double best = 0;
        double lowestRefused = Double.MAX_VALUE;
        for (int probe = 0; probe < 8; probe++) {
            Level l = openLoop(rate, settle, window, requests, targets, servers, connections, ioThreads, timeoutMs,
                    Map.of());
            boolean ok = l.shedPct <= SUSTAINABLE_SHED_PCT && l.tally.other.isEmpty();
            System.out.printf("PROBE rate=%s admitted_rate=%s shed_pct=%s p99_ms=%s sustainable=%s%n",
                    Report.fmt(rate, 0), Report.fmt(l.admittedRate, 0), Report.fmt(l.shedPct, 1),
                    Report.ms(Report.pct(l.tally.latency.getIntervalHistogram(), 99)), ok ? "yes" : "no");
            if (ok) {
                best = Math.max(best, rate);
            } else {
                lowestRefused = Math.min(lowestRefused, rate);
            }
            double next = ok ? rate * 1.2 : rate * 0.8;
            if (next >= lowestRefused || next <= best) {
                next = (best + lowestRefused) / 2; // between what held and what did not
            }
            if (best > 0 && lowestRefused < Double.MAX_VALUE && lowestRefused / best < 1.1) {
                break;
            }
            rate = next;
            sleepUntil(System.nanoTime() + settle.toNanos());
        }
        if (best == 0) {
            throw new IllegalStateException("no probe down to " + Report.fmt(rate, 0) + " writes/s admitted all");
        }
        System.out.printf("sustainable: %s writes/s (the highest probe that shed at most %s %%)%n", Report.fmt(best, 0),
                Report.fmt(SUSTAINABLE_SHED_PCT, 0));
        return best;
    }

    /** What one open-loop level measured. */
    private record Level(Tally tally, double admittedRate, double shedPct, Map<String, Long> rssMax,
                         Map<String, Long> queuedMax, Map<String, Long> heldMax, Map<String, Long> standingPct,
                         Map<String, Long> shedForDelay) {
    }

    /** Sends {@code total} writes/s, spread evenly over the servers, for settle + window; measures the window. */
    private static Level openLoop(double total, Duration settle, Duration window, List<byte[][]> requests,
                                  List<InetSocketAddress> targets, List<URI> servers, int connections, int ioThreads,
                                  int timeoutMs, Map<String, Long> pids) throws InterruptedException {
        Tally tally = new Tally();
        long t0 = System.nanoTime() + 100_000_000L;
        long from = t0 + settle.toNanos();
        long to = from + window.toNanos();
        List<NioLoad> loads = new ArrayList<>();
        for (int s = 0; s < servers.size(); s++) {
            int n = requests.get(s).length;
            double perServer = total / servers.size();
            long period = (long) (n * 1e9 / perServer);
            Schedule schedule = new Schedule(Schedule.randomPhases(n, period, 17 + s), n, period);
            LoadRun run = new LoadRun(schedule, t0, true, from, to);
            InetSocketAddress t = targets.get(s);
            NioLoad l = new NioLoad(connections, ioThreads, timeoutMs, requests.get(s), null, () -> t, () -> run,
                    tally, new LongAdder());
            loads.add(l);
            l.start();
        }
        Map<String, Long> rssMax = new TreeMap<>();
        Map<String, Long> queuedMax = new TreeMap<>();
        Map<String, Long> heldMax = new TreeMap<>();
        Map<String, Long> standing = new TreeMap<>();
        Map<String, Long> delayShedFirst = new TreeMap<>();
        Map<String, Long> delayShedLast = new TreeMap<>();
        int samples = 0;
        java.net.http.HttpClient metricsClient = java.net.http.HttpClient.newHttpClient();
        while (System.nanoTime() < to) {
            pids.forEach((id, pid) -> rssMax.merge(id, rssBytes(pid), Math::max));
            for (int s = 0; s < servers.size(); s++) {
                String m = metrics(metricsClient, servers.get(s));
                String id = "s" + (s + 1);
                queuedMax.merge(id, gauge(m, "agentd_proposals_queued"), Math::max);
                heldMax.merge(id, gauge(m, "agentd_http_requests_held"), Math::max);
                standing.merge(id, gauge(m, "agentd_http_write_delay_bound"), Long::sum);
                long shedNow = gauge(m, "agentd_http_writes_shed_for_delay_total");
                delayShedFirst.putIfAbsent(id, shedNow);
                delayShedLast.put(id, shedNow);
            }
            samples++;
            Thread.sleep(250);
        }
        // Sends intended before the end of the window may still be in flight: wait for them.
        sleepUntil(to + Math.min(timeoutMs, 5_000) * 1_000_000L);
        for (NioLoad l : loads) {
            l.stop(5_000);
        }
        double seconds = window.toNanos() / 1e9;
        long sentCount = tally.sent.sum();
        int n = Math.max(1, samples);
        Map<String, Long> standingPct = new TreeMap<>();
        standing.forEach((id, c) -> standingPct.put(id, 100 * c / n));
        Map<String, Long> shedForDelay = new TreeMap<>();
        delayShedLast.forEach((id, last) -> shedForDelay.put(id, last - delayShedFirst.get(id)));
        return new Level(tally, tally.admitted.sum() / seconds,
                sentCount == 0 ? 0 : 100.0 * tally.shed.sum() / sentCount, rssMax, queuedMax, heldMax, standingPct,
                shedForDelay);
    }

    private static String other(Tally t) {
        if (t.other.isEmpty()) {
            return "0";
        }
        StringBuilder b = new StringBuilder();
        new TreeMap<>(t.other).forEach((k, v) -> b.append(b.length() == 0 ? "" : ",").append(k).append(':').append(v.sum()));
        return b.toString();
    }

    /** A server's /metrics, or "" when it does not answer within a second. */
    private static String metrics(java.net.http.HttpClient http, URI server) {
        try {
            return http.send(java.net.http.HttpRequest.newBuilder(server.resolve("/metrics"))
                    .timeout(Duration.ofSeconds(1)).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** A gauge's value in Prometheus text, 0 when absent. */
    private static long gauge(String metrics, String name) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^" + name + " (\\S+)").matcher(metrics);
        return m.find() ? (long) Double.parseDouble(m.group(1)) : 0; // "12.0", "1.2345678E7"
    }

    /** The resident set of a process from /proc, in bytes; 0 when unreadable. */
    static long rssBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long wait;
        while ((wait = nanoTime - System.nanoTime()) > 0) {
            Thread.sleep(Math.max(1, Math.min(wait / 1_000_000L, 500)));
        }
    }
}
