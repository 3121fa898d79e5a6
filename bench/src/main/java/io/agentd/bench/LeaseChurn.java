package io.agentd.bench;

import io.agentd.client.AgentdClient;
import io.agentd.client.AgentdException;
import io.agentd.client.api.RegisterWorkerRequest;
import org.HdrHistogram.Histogram;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lease churn, agentd against etcd: N agentd workers renewing ({@code POST /v1/workers/{id}/heartbeat})
 * and N etcd leases kept alive through the JSON gateway ({@code POST /v3/lease/keepalive}), from
 * one generator ({@link NioLoad}, the same connection count for both). Both fleets renew at the
 * period all the time (an idle lease would expire); measured windows alternate between the two
 * systems (ABBA). Then a closed-loop phase per system (every connection renews again as soon as
 * it has its answer), also ABBA, while the other system keeps renewing at the period.
 */
public final class LeaseChurn {
    static final String USAGE = """
            usage: lease-churn --agentd URLS --etcd URL [options]
              --agentd URLS          agentd servers (the leader is looked up); workers <prefix>0.. are registered
              --etcd URL             the etcd member to send to (the leader: the script finds it)
              --leases N             workers and etcd leases (default 1000)
              --period D             each one's renewal interval, open loop (default 1s)
              --etcd-ttl S           TTL of the granted etcd leases in seconds (default 10)
              --connections C        keep-alive connections per system (default 64)
              --io-threads T         generator threads per system (default 1)
              --warmup D             both at the period, unmeasured (default 60s)
              --closed-warmup D      closed loop per system, unmeasured, after that (default 15s)
              --duration D           each measured open-loop window (default 15s)
              --closed-duration D    each measured closed-loop window (default 10s)
              --settle D             unmeasured time before each closed-loop window (default 2s)
              --rounds R             ABBA rounds (each measures both systems twice; default 1)
              --agentd-pids P,P,P    agentd member pids (CPU from /proc)
              --etcd-pids P,P,P      etcd member pids
              --id-prefix P          agentd worker ids (default lc-w)
              --timeout D            per request (default 5s)
              --token-file FILE      agentd's API token to send (etcd gets none; default: none)
            Prints RESULT lines per window and system, and a SUMMARY line.
            """;
    private static final int CHUNK = 100;
    private static final Pattern ETCD_ID = Pattern.compile("\"ID\":\"(-?\\d+)\"");

    /** One system under load: its requests, its generator, its pattern in force. */
    static final class Target {
        final String name;
        final InetSocketAddress address;
        final List<Long> pids;
        final byte[][] requests;
        final byte[] mustContain;
        volatile LoadRun current;
        NioLoad load;
        final LongAdder opens = new LongAdder();

        Target(String name, InetSocketAddress address, List<Long> pids, byte[][] requests, byte[] mustContain) {
            this.name = name;
            this.address = address;
            this.pids = pids;
            this.requests = requests;
            this.mustContain = mustContain;
        }

        long cpuNanos() {
            long sum = 0;
            for (long p : pids) {
                long c = Report.cpuNanos(p);
                if (c < 0) {
                    return -1;
                }
                sum += c;
            }
            return sum;
        }
    }

    record Window(String system, String mode, double seconds, long ok, long errors, Map<String, Long> errorKinds,
                  Histogram latency, double cpuMicrosPerRenewal, double cpuPct, long opens) {
        double rate() {
            return ok / seconds;
        }
    }

    private LeaseChurn() {
    }

    static int run(String[] argv) {
        try {
            Args a = Args.parse(argv, Set.of());
            if (a.help()) {
                System.out.print(USAGE);
                return 0;
            }
            String agentd = a.string("agentd", null);
            String etcd = a.string("etcd", null);
            int n = a.integer("leases", 1000);
            Duration period = a.duration("period", "1s");
            int etcdTtl = a.integer("etcd-ttl", 10);
            int connections = a.integer("connections", 64);
            int ioThreads = a.integer("io-threads", 1);
            Duration warmup = a.duration("warmup", "60s");
            Duration closedWarmup = a.duration("closed-warmup", "15s");
            Duration duration = a.duration("duration", "15s");
            Duration closedDuration = a.duration("closed-duration", "10s");
            Duration settle = a.duration("settle", "2s");
            int rounds = a.integer("rounds", 1);
            List<Long> agentdPids = pids(a.string("agentd-pids", ""));
            List<Long> etcdPids = pids(a.string("etcd-pids", ""));
            String prefix = a.string("id-prefix", "lc-w");
            int timeoutMs = (int) a.duration("timeout", "5s").toMillis();
            String token = Auth.token(a);
            a.finish();
            if (n < 1 || connections < 1 || ioThreads < 1 || ioThreads > connections || rounds < 1
                    || period.isZero() || duration.isZero() || closedDuration.isZero()) {
                throw new IllegalArgumentException("leases, connections, io-threads, rounds, period and durations "
                        + "must be positive (io-threads at most connections)");
            }
            return new LeaseChurn().go(agentd, etcd, n, period, etcdTtl, connections, ioThreads, warmup, closedWarmup,
                    duration, closedDuration, settle, rounds, agentdPids, etcdPids, prefix, timeoutMs, token);
        } catch (IllegalArgumentException e) {
            System.err.println("lease-churn: " + e.getMessage());
            System.err.print(USAGE);
            return 2;
        } catch (RuntimeException | IOException | InterruptedException e) {
            System.err.println("lease-churn: failed: " + e);
            return 1;
        }
    }

    private static List<Long> pids(String list) {
        List<Long> out = new ArrayList<>();
        for (String p : list.split(",")) {
            if (!p.isBlank()) {
                out.add(Long.parseLong(p.trim()));
            }
        }
        return out;
    }

    private int go(String agentdUrls, String etcdUrl, int n, Duration period, int etcdTtl, int connections,
                   int ioThreads, Duration warmup, Duration closedWarmup, Duration duration, Duration closedDuration,
                   Duration settle, int rounds, List<Long> agentdPids, List<Long> etcdPids, String prefix,
                   int timeoutMs, String token) throws IOException, InterruptedException {
        AgentdClient client = AgentdClient.builder().endpoints(agentdUrls).token(token)
                .requestTimeout(Duration.ofSeconds(10)).build();
        Leader leader = Leader.find(client, token, Duration.ofSeconds(60));
        URI etcd = URI.create(etcdUrl);
        InetSocketAddress etcdAddr = new InetSocketAddress(etcd.getHost(), etcd.getPort());

        long[] phases = Schedule.randomPhases(n, period.toNanos(), 1);
        byte[][] agentdRequests = new byte[n][];
        byte[] empty = "{}".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < n; i++) {
            agentdRequests[i] = HttpConn.request("POST", "/v1/workers/" + prefix + i + "/heartbeat", "agentd", token,
                    empty);
        }
        Target agentd = new Target("agentd", leader.http(), agentdPids, agentdRequests, null);
        // A keep-alive of an unknown or expired lease is answered 200 without a TTL: counted as an error.
        Target etcdTarget = new Target("etcd", etcdAddr, etcdPids, new byte[n][],
                "\"TTL\":\"".getBytes(StandardCharsets.US_ASCII));
        List<Target> both = List.of(agentd, etcdTarget);
        for (Target x : both) {
            x.load = new NioLoad(connections, ioThreads, timeoutMs, x.requests, x.mustContain, () -> x.address,
                    () -> x.current, LeaseChurn::noteError, x.opens);
        }

        // Registered and granted in chunks; after each chunk the fleet renewing grows to include it,
        // so no lease waits for the rest (registering 1,000 can take longer than a TTL here).
        long t = System.nanoTime();
        for (int from = 0; from < n; from += CHUNK) {
            int to = Math.min(n, from + CHUNK);
            registerWorkers(client, prefix, from, to);
            agentd.current = openRun(phases, to, period, System.nanoTime(), false, 0, 0);
            if (from == 0) {
                agentd.load.start();
            }
        }
        System.out.printf("agentd: %d workers registered in %.1f s; leader %s at %s%n", n,
                (System.nanoTime() - t) / 1e9, leader.id(), leader.http());
        t = System.nanoTime();
        try (EtcdGrants grants = new EtcdGrants(etcdAddr)) {
            for (int from = 0; from < n; from += CHUNK) {
                int to = Math.min(n, from + CHUNK);
                for (int i = from; i < to; i++) {
                    etcdTarget.requests[i] = HttpConn.request("POST", "/v3/lease/keepalive", "etcd",
                            ("{\"ID\":\"" + grants.grant(etcdTtl) + "\"}").getBytes(StandardCharsets.US_ASCII));
                }
                etcdTarget.current = openRun(phases, to, period, System.nanoTime(), false, 0, 0);
                if (from == 0) {
                    etcdTarget.load.start();
                }
            }
        }
        System.out.printf("etcd: %d leases (TTL %d s) granted in %.1f s at %s%n", n, etcdTtl,
                (System.nanoTime() - t) / 1e9, etcdAddr);
        System.out.printf("load: %d connections and %d generator thread(s) per system; period %d ms%n", connections,
                ioThreads, period.toMillis());
        try {
            System.out.printf("warm-up: both at the period for %d s%n", warmup.toSeconds());
            progress(both, warmup);
            for (Target x : both) {
                System.out.printf("warm-up: %s closed loop for %d s%n", x.name, closedWarmup.toSeconds());
                x.current = LoadRun.closed(n, System.nanoTime(), false, 0, 0);
                progress(List.of(x), closedWarmup);
                x.current = openRun(phases, n, period, System.nanoTime(), false, 0, 0);
            }
            printErrorsSoFar();
            List<Window> windows = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                for (Target x : List.of(agentd, etcdTarget, etcdTarget, agentd)) {
                    windows.add(open(x, phases, n, period, duration));
                }
            }
            for (int r = 0; r < rounds; r++) {
                for (Target x : List.of(agentd, etcdTarget, etcdTarget, agentd)) {
                    windows.add(closed(x, phases, n, period, settle, closedDuration));
                }
            }
            summarize(windows);
            return 0;
        } finally {
            for (Target x : both) {
                if (x.current != null) {
                    x.load.stop(timeoutMs + 1000L);
                }
            }
        }
    }

    /** Time origin of every open-loop run, so a new run keeps each lease's renewal times. */
    private final long epoch = System.nanoTime();

    private LoadRun openRun(long[] phases, int n, Duration period, long from, boolean measuring, long ws,
                            long we) {
        return LoadRun.continuing(new Schedule(phases, n, period.toNanos()), epoch, from, measuring, ws, we);
    }

    /** Errors outside measured windows, by system and kind (measured ones are in their window). */
    private static final Map<String, LongAdder> UNMEASURED_ERRORS = new java.util.concurrent.ConcurrentHashMap<>();

    private static void noteError(LoadRun run, int worker, long intended, long sent, long done, int status,
                                  String error) {
        long micros = Math.max(0, (done - intended) / 1000);
        if (run.measures(intended)) {
            if (error == null) {
                run.measured.recordValue(micros);
                run.service.recordValue(Math.max(0, (done - sent) / 1000));
            } else {
                run.error(error);
            }
            run.measuredDone.increment();
        } else if (error != null) {
            UNMEASURED_ERRORS.computeIfAbsent(error, k -> new LongAdder()).increment();
        }
    }

    private static void printErrorsSoFar() {
        Map<String, Long> e = new java.util.TreeMap<>();
        UNMEASURED_ERRORS.forEach((k, v) -> e.put(k, v.sum()));
        System.out.println("unmeasured errors so far (warm-up): " + (e.isEmpty() ? "none" : e));
    }

    /** An open-loop window for x; the load itself does not change (it runs at the period throughout). */
    private Window open(Target x, long[] phases, int n, Duration period, Duration d) throws InterruptedException {
        // A new open-loop run for x that measures [ws, we); it continues the schedule's phases, so the
        // renewal rate does not change when it starts.
        long t0 = System.nanoTime();
        long ws = t0 + 1_000_000_000L;
        long we = ws + d.toNanos();
        LoadRun run = openRun(phases, n, period, t0, true, ws, we);
        x.current = run;
        sleepUntil(ws);
        long cpu0 = x.cpuNanos();
        long opens0 = x.opens.sum();
        sleepUntil(we);
        long cpu1 = x.cpuNanos();
        long opens1 = x.opens.sum();
        Schedule s = run.schedule;
        long intended = s.slotsBefore(we - epoch) - s.slotsBefore(ws - epoch);
        long hard = System.nanoTime() + 10_000_000_000L;
        while (run.measuredDone.sum() < intended && System.nanoTime() - hard < 0) {
            Thread.sleep(10);
        }
        Window w = window(x, "open", run, d, intended, cpu0, cpu1, opens1 - opens0);
        print(w);
        return w;
    }

    private Window closed(Target x, long[] phases, int n, Duration period, Duration settle, Duration d)
            throws InterruptedException {
        long t0 = System.nanoTime();
        long ws = t0 + settle.toNanos();
        long we = ws + d.toNanos();
        LoadRun run = LoadRun.closed(n, t0, true, ws, we);
        x.current = run;
        sleepUntil(ws);
        long cpu0 = x.cpuNanos();
        long opens0 = x.opens.sum();
        sleepUntil(we);
        long cpu1 = x.cpuNanos();
        long opens1 = x.opens.sum();
        x.current = openRun(phases, n, period, System.nanoTime(), false, 0, 0); // back to the period
        long hard = System.nanoTime() + 10_000_000_000L;
        Thread.sleep(200);
        while (System.nanoTime() - hard < 0 && run.measuredDone.sum() < run.measuredSent.sum()) {
            Thread.sleep(10);
        }
        Window w = window(x, "closed", run, d, -1, cpu0, cpu1, opens1 - opens0);
        print(w);
        return w;
    }

    private static Window window(Target x, String mode, LoadRun run, Duration d, long intended, long cpu0, long cpu1,
                                 long opens) {
        Histogram h = run.measured.getIntervalHistogram();
        Map<String, Long> kinds = new java.util.TreeMap<>();
        long errors = 0;
        for (Map.Entry<String, LongAdder> e : run.errors.entrySet()) {
            kinds.put(e.getKey(), e.getValue().sum());
            errors += e.getValue().sum();
        }
        if (intended >= 0) {
            long missed = Math.max(0, intended - h.getTotalCount() - errors);
            if (missed > 0) {
                kinds.put("never_answered", missed);
                errors += missed;
            }
        }
        double secs = d.toNanos() / 1e9;
        double cpuNanos = cpu0 >= 0 && cpu1 >= 0 ? cpu1 - cpu0 : Double.NaN;
        double perRenewal = h.getTotalCount() == 0 ? Double.NaN : cpuNanos / 1000.0 / h.getTotalCount();
        return new Window(x.name, mode, secs, h.getTotalCount(), errors, kinds, h, perRenewal,
                100.0 * cpuNanos / d.toNanos(), opens);
    }

    private static void print(Window w) {
        System.out.printf(Locale.ROOT, "RESULT system=%s mode=%s rate=%.1f%s errors=%d cpu_us_per_renewal=%.1f "
                        + "cpu_pct=%.0f new_connections=%d%s%n", w.system(), w.mode(), w.rate(),
                Report.latencyFields(w.latency(), ""), w.errors(), w.cpuMicrosPerRenewal(), w.cpuPct(), w.opens(),
                w.errorKinds().isEmpty() ? "" : " error_kinds=" + w.errorKinds().toString().replace(" ", ""));
    }

    private static void summarize(List<Window> windows) {
        Map<String, Map<String, double[]>> agg = new LinkedHashMap<>();
        Map<String, Histogram> hists = new LinkedHashMap<>();
        System.out.println();
        System.out.println("| mode | system | renewals/s | p50 ms | p99 ms | p99.9 ms | max ms | errors | server CPU us/renewal |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        Map<String, double[]> sums = new LinkedHashMap<>(); // key mode/system -> ok, seconds, errors, cpu*ok
        for (Window w : windows) {
            String key = w.mode() + "/" + w.system();
            hists.computeIfAbsent(key, k -> new Histogram(3)).add(w.latency());
            double[] s = sums.computeIfAbsent(key, k -> new double[4]);
            s[0] += w.ok();
            s[1] += w.seconds();
            s[2] += w.errors();
            s[3] += w.cpuMicrosPerRenewal() * w.ok();
        }
        Map<String, double[]> figures = new LinkedHashMap<>(); // rate, p50, p99, p999, cpu
        for (Map.Entry<String, double[]> e : sums.entrySet()) {
            double[] s = e.getValue();
            Histogram h = hists.get(e.getKey());
            String[] k = e.getKey().split("/");
            double rate = s[0] / s[1];
            double cpu = s[3] / s[0];
            figures.put(e.getKey(), new double[]{rate, Report.pct(h, 50), Report.pct(h, 99), Report.pct(h, 99.9), cpu});
            System.out.printf(Locale.ROOT, "| %s | %s | %.0f | %s | %s | %s | %s | %.0f | %.1f |%n", k[0], k[1], rate,
                    Report.ms(Report.pct(h, 50)), Report.ms(Report.pct(h, 99)), Report.ms(Report.pct(h, 99.9)),
                    h.getTotalCount() == 0 ? "NaN" : Report.ms(h.getMaxValue()), s[2], cpu);
        }
        System.out.println();
        for (String mode : List.of("open", "closed")) {
            double[] a = figures.get(mode + "/agentd");
            double[] e = figures.get(mode + "/etcd");
            if (a == null || e == null) {
                continue;
            }
            System.out.printf(Locale.ROOT, "RATIO mode=%s (agentd/etcd) rate=%.2f p50=%.2f p99=%.2f p999=%.2f "
                    + "cpu_per_renewal=%.2f%n", mode, a[0] / e[0], a[1] / e[1], a[2] / e[2], a[3] / e[3], a[4] / e[4]);
        }
        double[] ca = figures.get("closed/agentd");
        double[] ce = figures.get("closed/etcd");
        double[] oa = figures.get("open/agentd");
        double[] oe = figures.get("open/etcd");
        System.out.printf(Locale.ROOT, "SUMMARY lease_rate_ratio=%.2f lease_p99_ratio=%.2f%n", ca[0] / ce[0],
                oa[2] / oe[2]);
    }

    private static void progress(List<Target> targets, Duration d) throws InterruptedException {
        sleepUntil(System.nanoTime() + d.toNanos()); // the load runs on the generator's threads meanwhile
    }

    private static void registerWorkers(AgentdClient client, String prefix, int from, int to)
            throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<?>> pending = new ArrayList<>();
            for (int i = from; i < to; i++) {
                String id = prefix + i;
                pending.add(pool.submit(() -> {
                    AgentdException last = null;
                    for (int attempt = 1; attempt <= 5; attempt++) {
                        try {
                            client.registerWorker(new RegisterWorkerRequest(id, "127.0.0.1:9", null,
                                    Map.of("bench", "lease-churn"), 0));
                            client.heartbeat(id);
                            return;
                        } catch (AgentdException e) {
                            last = e;
                            LockSupport.parkNanos(200_000_000L * attempt);
                        }
                    }
                    throw last;
                }));
            }
            for (Future<?> f : pending) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IllegalStateException("registering workers failed: " + e.getCause().getMessage(),
                            e.getCause());
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Lease grants over one keep-alive connection. */
    private static final class EtcdGrants implements AutoCloseable {
        private final Socket socket = new Socket();
        private final InputStream in;
        private final OutputStream out;

        EtcdGrants(InetSocketAddress etcd) throws IOException {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(10_000);
            socket.connect(etcd, 10_000);
            in = new java.io.BufferedInputStream(socket.getInputStream());
            out = socket.getOutputStream();
        }

        /** Grants one lease; returns its id (decimal, as the gateway writes it). */
        String grant(int ttl) throws IOException {
            out.write(HttpConn.request("POST", "/v3/lease/grant", "etcd",
                    ("{\"TTL\":" + ttl + "}").getBytes(StandardCharsets.US_ASCII)));
            out.flush();
            String body = readAnswer(in);
            Matcher m = ETCD_ID.matcher(body);
            if (!m.find()) {
                throw new IOException("etcd lease grant answered without an ID: " + body);
            }
            return m.group(1);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** Reads one HTTP answer with a Content-Length or chunked body; returns the body; fails on a non-200. */
    private static String readAnswer(InputStream in) throws IOException {
        String status = line(in);
        long length = -1;
        boolean chunked = false;
        String h;
        while (!(h = line(in)).isEmpty()) {
            String lower = h.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(h.substring(15).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (chunked) {
            long size;
            while ((size = Long.parseLong(line(in).split(";")[0].trim(), 16)) > 0) {
                body.write(in.readNBytes((int) size));
                line(in);
            }
            while (!line(in).isEmpty()) {
                // trailers
            }
        } else if (length >= 0) {
            body.write(in.readNBytes((int) length));
        }
        String b = body.toString(StandardCharsets.UTF_8);
        if (!status.startsWith("HTTP/1.1 200")) {
            throw new IOException("etcd answered " + status + ": " + b);
        }
        return b;
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        if (c < 0 && sb.length() == 0) {
            throw new IOException("connection closed");
        }
        return sb.toString();
    }

    private static void sleepUntil(long deadline) throws InterruptedException {
        long wait;
        while ((wait = deadline - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(Math.min(wait, 100_000_000L));
        }
    }
}
