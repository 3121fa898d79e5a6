package io.agentd.bench;

import io.agentd.client.AgentdClient;
import io.agentd.client.AgentdException;
import io.agentd.client.api.RegisterWorkerRequest;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Simulated workers renewing their leases at the leader, open loop: each worker has a fixed
 * phase and renews once per period whatever the answers do; latency is measured from the
 * intended send time, so a server that falls behind shows its whole backlog (coordinated
 * omission corrected). Several fleet sizes run as steps in one process: the fleet grows
 * between steps while it keeps renewing, so no simulated worker ever misses its lease.
 */
public final class HeartbeatLoad {
    static final String USAGE = """
            usage: heartbeat-load --servers URL[,URL...] [options]
              Registers simulated workers <id-prefix>0, 1, ... (0 slots, label bench=heartbeat-load) and
              renews each one's lease once per period at the leader, open loop, over keep-alive
              connections. Prints a report and a RESULT line per step.
              --servers URLS          coordinator endpoints, e.g. http://127.0.0.1:18110,http://127.0.0.1:18120
              --workers N[,N...]      fleet size of each step, in order (default 1000)
              --duration D            measured time per step (default 30s)
              --settle D              unmeasured load at the start of each step (default 2s)
              --warmup D              unmeasured load before the first step (default 0s)
              --warmup-workers N      fleet size during the warm-up (default: the first step's)
              --connections C         keep-alive connections to the leader: the most renewals in flight
                                      at once (default 256; --threads is the old name)
              --io-threads T          threads serving those connections, each with a selector (default 2)
              --sender nio|blocking   nio: the I/O threads above (default); blocking: one thread per
                                      connection with a blocking socket (the generator before 2026-11-29,
                                      about 0.1 ms of CPU per renewal)
              --register-threads R    threads registering workers (default 16)
              --timeout D             per request; a slower answer is an error (default 5s)
              --period D              each worker's renewal interval (default 1s)
              --seed S                seed of the workers' phases (default 1)
              --id-prefix P           worker ids (default bench-w)
              --stop-p99-ms X         skip the remaining steps after one with p99 >= X (default 100; 0: never)
              --stop-error-pct X      ... or with more than X % errors (default 0.1)
              --report-every D        progress line interval (default 5s; 0s: none)
              --server-pids N=P,...   also report the CPU use of these processes per step (Linux /proc)
              --providers N           each renewal reports demand on N providers (bench-p0 ...), which the
                                      bench defines (raising the cluster to feature level 3 first); the
                                      answers carry grants (default 0: an empty body, the fast path)
              --token-file FILE       the API token to send, for registrations and renewals (default: none;
                                      one token for the whole fleet: an admin's, as the bench scripts pass)
            Simulated workers are never deregistered (the API has no call for it); they go down one
            TTL after the run. Use a throwaway cluster.
            """;

    private static final byte[] EMPTY_BODY = "{}".getBytes(StandardCharsets.US_ASCII);

    /** A renewal's body reporting steady demand on providers bench-p0 .. bench-p(n-1). */
    static byte[] demand(int providers) {
        StringBuilder b = new StringBuilder("{\"providers\":[");
        for (int p = 0; p < providers; p++) {
            b.append(p == 0 ? "" : ",").append("{\"provider\":\"bench-p").append(p)
                    .append("\",\"namespace\":\"default\",\"requestsPerMinute\":60,\"tokensPerMinute\":6000,"
                            + "\"concurrent\":1,\"heldRequestsPerMinute\":0,\"usedRequestsPerMinute\":0}");
        }
        return b.append("]}").toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** Raises the cluster to feature level 3 and defines the providers the renewals report on. */
    private static void defineProviders(AgentdClient client, int providers) {
        client.send(io.agentd.client.Api.clusterUpgrade(3));
        for (int p = 0; p < providers; p++) {
            client.send(io.agentd.client.Api.setProvider("bench-p" + p, new io.agentd.client.api.SetProviderRequest(
                    1_000_000L, null, null, null, null, null, null)));
        }
    }
    /** Workers registered before the fleet that renews grows to include them: small, so none waits long. */
    private static final int REGISTER_CHUNK = 100;

    private final AgentdClient client;
    private final String token;
    private final String prefix;
    private final long period;
    /** Time origin of every schedule in this process, so fleet changes keep each worker's renewal times. */
    private final long epoch = System.nanoTime();
    private final long[] phases;
    private final byte[][] requests;
    private final int timeoutMs;
    private final int threads; // connections
    private final int ioThreads;
    private final boolean blocking;
    private NioLoad nio;
    private final ExecutorService registerPool;
    private final Map<String, Long> serverPids;
    private final long reportEvery;

    private volatile InetSocketAddress target;
    private volatile String leaderId;
    private volatile LoadRun current;
    private volatile boolean stopping;
    private final List<Thread> senders = new ArrayList<>();
    private int registered; // workers [0, registered) registered by this process; main thread only
    private final Recorder progress = new Recorder(3);
    private final LongAdder progressErrors = new LongAdder();
    private final LongAdder opens = new LongAdder();
    private final Set<Integer> toRegisterAgain = ConcurrentHashMap.newKeySet();
    private final LongAdder registeredAgain = new LongAdder();
    private final AtomicLong lastLeaderLookup = new AtomicLong(System.nanoTime());
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();

    record StepResult(int workers, double seconds, long intended, long ok, long errors, long missed,
                      Map<String, Long> errorKinds, Histogram latency, Histogram service, int maxInFlight,
                      long opens, double genCpuPct, Map<String, Double> serverCpuPct) {
        double errorPct() {
            return intended == 0 ? 0 : 100.0 * (errors + missed) / intended;
        }
    }

    private HeartbeatLoad(AgentdClient client, String token, String prefix, long period, int fleet, long seed,
                          int timeoutMs, int threads, int registerThreads, Map<String, Long> serverPids,
                          long reportEvery, int ioThreads, boolean blocking, int providers) {
        this.ioThreads = ioThreads;
        this.blocking = blocking;
        this.client = client;
        this.token = token;
        this.prefix = prefix;
        this.period = period;
        this.phases = Schedule.randomPhases(fleet, period, seed);
        this.requests = new byte[fleet][];
        for (int i = 0; i < fleet; i++) {
            requests[i] = HttpConn.request("POST", "/v1/workers/" + prefix + i + "/heartbeat", "agentd", token,
                    providers == 0 ? EMPTY_BODY : demand(providers));
        }
        this.timeoutMs = timeoutMs;
        this.threads = threads;
        this.registerPool = Executors.newFixedThreadPool(registerThreads, r -> {
            Thread t = new Thread(r, "register");
            t.setDaemon(true);
            return t;
        });
        this.serverPids = serverPids;
        this.reportEvery = reportEvery;
    }

    public static void main(String[] argv) {
        System.exit(run(argv));
    }

    static int run(String[] argv) {
        String servers;
        List<Integer> steps;
        Duration duration;
        Duration settle;
        Duration warmup;
        int warmupWorkers;
        int threads;
        int ioThreads;
        boolean blocking;
        int registerThreads;
        Duration timeout;
        Duration period;
        long seed;
        String prefix;
        double stopP99;
        double stopErrorPct;
        Duration reportEvery;
        String token;
        Map<String, Long> pids = new LinkedHashMap<>();
        int providers;
        try {
            Args a = Args.parse(argv, Set.of());
            if (a.help()) {
                System.out.print(USAGE);
                return 0;
            }
            servers = a.string("servers", null);
            steps = a.integers("workers", "1000");
            duration = a.duration("duration", "30s");
            settle = a.duration("settle", "2s");
            warmup = a.duration("warmup", "0s");
            warmupWorkers = a.integer("warmup-workers", steps.get(0));
            threads = a.integer("connections", a.integer("threads", 256));
            ioThreads = a.integer("io-threads", 2);
            String sender = a.string("sender", "nio");
            if (!sender.equals("nio") && !sender.equals("blocking")) {
                throw new IllegalArgumentException("--sender must be nio or blocking, got " + sender);
            }
            blocking = sender.equals("blocking");
            registerThreads = a.integer("register-threads", 16);
            timeout = a.duration("timeout", "5s");
            period = a.duration("period", "1s");
            seed = a.integer("seed", 1);
            prefix = a.string("id-prefix", "bench-w");
            stopP99 = a.decimal("stop-p99-ms", 100);
            stopErrorPct = a.decimal("stop-error-pct", 0.1);
            reportEvery = a.duration("report-every", "5s");
            providers = a.integer("providers", 0);
            if (providers < 0 || providers > 100) {
                throw new IllegalArgumentException("--providers must be 0 to 100");
            }
            token = Auth.token(a);
            String pidList = a.string("server-pids", "");
            for (String p : pidList.split(",")) {
                if (p.isBlank()) {
                    continue;
                }
                int eq = p.indexOf('=');
                pids.put(eq < 0 ? p.trim() : p.substring(0, eq).trim(), Long.parseLong(p.substring(eq + 1).trim()));
            }
            a.finish();
            if (ioThreads < 1 || ioThreads > threads) {
                throw new IllegalArgumentException("--io-threads must be between 1 and --connections");
            }
            if (threads < 1 || registerThreads < 1 || warmupWorkers < 1 || period.isZero() || duration.isZero()) {
                throw new IllegalArgumentException("threads, register-threads, warmup-workers, period and duration "
                        + "must be positive");
            }
            for (int n : steps) {
                if (n < 1) {
                    throw new IllegalArgumentException("--workers: every step needs at least 1 worker");
                }
            }
        } catch (IllegalArgumentException e) {
            System.err.println("heartbeat-load: " + e.getMessage());
            System.err.print(USAGE);
            return 2;
        }
        int fleet = Math.max(warmupWorkers, steps.stream().mapToInt(Integer::intValue).max().orElseThrow());
        AgentdClient client = AgentdClient.builder().endpoints(servers).token(token)
                .requestTimeout(Duration.ofSeconds(10)).build();
        if (providers > 0) {
            defineProviders(client, providers);
        }
        HeartbeatLoad load = new HeartbeatLoad(client, token, prefix, period.toNanos(), fleet, seed,
                (int) timeout.toMillis(), threads, registerThreads, pids, reportEvery.toNanos(), ioThreads, blocking,
                providers);
        try {
            return load.go(steps, duration, settle, warmup, warmupWorkers, stopP99, stopErrorPct);
        } catch (RuntimeException | InterruptedException e) {
            System.err.println("heartbeat-load: failed: " + e);
            return 1;
        } finally {
            load.stop();
        }
    }

    private int go(List<Integer> steps, Duration duration, Duration settle, Duration warmup, int warmupWorkers,
                   double stopP99, double stopErrorPct) throws InterruptedException {
        lookUpLeader(Duration.ofSeconds(60));
        System.out.printf("heartbeat-load: leader %s at %s; %d connections, %s, period %d ms, timeout %d ms%n",
                leaderId, target, threads, blocking ? "a blocking sender thread each" : ioThreads + " nio threads",
                period / 1_000_000, timeoutMs);
        if (!warmup.isZero()) {
            long t = System.nanoTime();
            ensureRegistered(warmupWorkers);
            System.out.printf("warm-up: %d workers registered in %.1f s; %d s of unmeasured load%n",
                    warmupWorkers, (System.nanoTime() - t) / 1e9, warmup.toSeconds());
            switchTo(LoadRun.continuing(new Schedule(phases, warmupWorkers, period), epoch, System.nanoTime(), false, 0, 0));
            progressUntil(System.nanoTime() + warmup.toNanos(), warmupWorkers);
        }
        List<StepResult> results = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            StepResult r = step(steps.get(i), settle, duration);
            results.add(r);
            print(i + 1, r);
            double p99 = Report.pct(r.latency(), 99) / 1000.0;
            if (i + 1 < steps.size()) {
                if (stopP99 > 0 && !(p99 < stopP99)) {
                    System.out.printf("stopping: p99 %.2f ms >= %.0f ms%n", p99, stopP99);
                    break;
                }
                if (r.errorPct() > stopErrorPct) {
                    System.out.printf("stopping: %.3f %% errors > %.3f %%%n", r.errorPct(), stopErrorPct);
                    break;
                }
            }
        }
        System.out.println();
        System.out.println("workers  intended/s  achieved/s  p50 ms  p90 ms  p99 ms  p99.9 ms  max ms  errors %");
        for (StepResult r : results) {
            Histogram h = r.latency();
            System.out.printf("%7d  %10.0f  %10.0f  %6s  %6s  %6s  %8s  %6s  %8.3f%n", r.workers(),
                    r.intended() / r.seconds(), r.ok() / r.seconds(), Report.ms(Report.pct(h, 50)),
                    Report.ms(Report.pct(h, 90)), Report.ms(Report.pct(h, 99)), Report.ms(Report.pct(h, 99.9)),
                    h.getTotalCount() == 0 ? "NaN" : Report.ms(h.getMaxValue()), r.errorPct());
        }
        return 0;
    }

    /** One measured step: grow the fleet to n (renewing all the while), settle, measure, drain. */
    private StepResult step(int n, Duration settle, Duration duration) throws InterruptedException {
        long regStart = System.nanoTime();
        int before = registered;
        ensureRegistered(n);
        if (registered > before) {
            System.out.printf("%nregistered workers %d..%d in %.1f s%n", before, registered - 1,
                    (System.nanoTime() - regStart) / 1e9);
        }
        Schedule s = new Schedule(phases, n, period);
        long now = System.nanoTime();
        long ws = now + settle.toNanos();
        long we = ws + duration.toNanos();
        LoadRun run = LoadRun.continuing(s, epoch, now, true, ws, we);
        long intended = s.slotsBefore(we - epoch) - s.slotsBefore(ws - epoch);
        switchTo(run);
        System.out.printf("step: %d workers, %d s settle, %d s measured (%s)%n", n, settle.toSeconds(),
                duration.toSeconds(), Instant.now());
        sleepUntil(ws);
        long opens0 = opens.sum();
        long gen0 = ownCpuNanos();
        Map<String, Long> cpu0 = serverCpu();
        progressUntil(we, n);
        long gen1 = ownCpuNanos();
        Map<String, Long> cpu1 = serverCpu();
        long opensDuring = opens.sum() - opens0;
        // Every send intended inside the window gets its answer (or its timeout) counted: wait for them,
        // but for at most the request timeout plus the window's length once more.
        long hard = we + TimeUnit.MILLISECONDS.toNanos(timeoutMs) + Math.min(duration.toNanos(), 30_000_000_000L);
        while (run.measuredDone.sum() < intended && System.nanoTime() - hard < 0) {
            Thread.sleep(10);
        }
        Histogram h = run.measured.getIntervalHistogram();
        Histogram service = run.service.getIntervalHistogram();
        Map<String, Long> kinds = new TreeMap<>();
        long errors = 0;
        for (Map.Entry<String, LongAdder> e : run.errors.entrySet()) {
            kinds.put(e.getKey(), e.getValue().sum());
            errors += e.getValue().sum();
        }
        long missed = Math.max(0, intended - h.getTotalCount() - errors);
        double secs = duration.toNanos() / 1e9;
        Map<String, Double> serverPct = new LinkedHashMap<>();
        for (Map.Entry<String, Long> e : cpu0.entrySet()) {
            Long end = cpu1.get(e.getKey());
            if (e.getValue() >= 0 && end != null && end >= 0) {
                serverPct.put(e.getKey(), 100.0 * (end - e.getValue()) / duration.toNanos());
            }
        }
        return new StepResult(n, secs, intended, h.getTotalCount(), errors, missed, kinds, h, service,
                run.maxInFlight.get(), opensDuring,
                100.0 * (gen1 - gen0) / duration.toNanos(), serverPct);
    }

    private void print(int number, StepResult r) {
        Histogram h = r.latency();
        System.out.printf("step %d: %d workers, %.0f s measured%n", number, r.workers(), r.seconds());
        System.out.printf("  intended %d renewals (%.1f/s); answered 200: %d (%.1f/s); errors %d; never sent %d "
                        + "(%.3f %% not ok)%s%n", r.intended(), r.intended() / r.seconds(), r.ok(),
                r.ok() / r.seconds(), r.errors(), r.missed(), r.errorPct(),
                r.errorKinds().isEmpty() ? "" : " " + r.errorKinds());
        System.out.println("  latency from the intended send time, ms: " + Report.latencies(h));
        System.out.println("  latency from the actual send (service), ms: " + Report.latencies(r.service()));
        System.out.println("  most renewals in flight at once: " + r.maxInFlight() + " of " + threads
                + (r.maxInFlight() >= threads ? " -- every connection was busy at some point, so renewals also "
                + "queued in this generator: the server fell behind (a service time near connections / rate says so) "
                + "or --connections is too low" : ""));
        StringBuilder cpu = new StringBuilder("  cpu: this load generator " + Report.fmt(r.genCpuPct(), 0) + "%");
        r.serverCpuPct().forEach((k, v) -> cpu.append(", ").append(k).append(k.equals(leaderId) ? " (leader) " : " ")
                .append(Report.fmt(v, 0)).append('%'));
        System.out.println(cpu + " (100% = one core); connections opened during the window: " + r.opens());
        StringBuilder line = new StringBuilder("RESULT workers=" + r.workers())
                .append(" intended_rate=").append(Report.fmt(r.intended() / r.seconds(), 1))
                .append(" rate=").append(Report.fmt(r.ok() / r.seconds(), 1))
                .append(Report.latencyFields(h, ""))
                .append(" errors=").append(r.errors() + r.missed())
                .append(" error_pct=").append(Report.fmt(r.errorPct(), 3))
                .append(" service_p50_ms=").append(Report.ms(Report.pct(r.service(), 50)))
                .append(" service_p99_ms=").append(Report.ms(Report.pct(r.service(), 99)))
                .append(" max_in_flight=").append(r.maxInFlight()).append(" connections=").append(threads)
                .append(" sender=").append(blocking ? "blocking" : "nio" + ioThreads)
                .append(" gen_cpu_pct=").append(Report.fmt(r.genCpuPct(), 0));
        r.serverCpuPct().forEach((k, v) -> line.append(" cpu_").append(k).append("_pct=").append(Report.fmt(v, 0)));
        line.append(" leader=").append(leaderId).append(" new_connections=").append(r.opens());
        System.out.println(line);
    }

    /** Registers workers up to n in chunks; after each chunk the fleet renewing grows to include it. */
    private void ensureRegistered(int n) throws InterruptedException {
        while (registered < n) {
            int from = registered;
            int to = Math.min(n, from + REGISTER_CHUNK);
            List<Future<?>> pending = new ArrayList<>();
            for (int i = from; i < to; i++) {
                int w = i;
                pending.add(registerPool.submit(() -> register(w)));
            }
            for (Future<?> f : pending) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IllegalStateException("registering workers failed: " + e.getCause().getMessage(),
                            e.getCause());
                }
            }
            registered = to;
            switchTo(LoadRun.continuing(new Schedule(phases, registered, period), epoch, System.nanoTime(), false, 0, 0));
        }
    }

    private void register(int w) {
        AgentdException last = null;
        for (int attempt = 1; attempt <= 5; attempt++) {
            try {
                client.registerWorker(new RegisterWorkerRequest(prefix + w, "127.0.0.1:9", null,
                        Map.of("bench", "heartbeat-load"), 0));
                return;
            } catch (AgentdException e) {
                last = e;
                LockSupport.parkNanos(200_000_000L * attempt);
            }
        }
        throw last;
    }

    private void switchTo(LoadRun run) {
        current = run;
        if (!blocking && nio == null) {
            nio = new NioLoad(threads, ioThreads, timeoutMs, requests, null, () -> target, () -> current,
                    this::record, opens);
            nio.start();
            startRegisterAgain();
        } else if (blocking && senders.isEmpty()) {
            for (int i = 0; i < threads; i++) {
                Thread t = new Thread(this::sendLoop, "sender-" + i);
                t.setDaemon(true);
                senders.add(t);
                t.start();
            }
            startRegisterAgain();
        }
    }

    private void startRegisterAgain() {
        Thread again = new Thread(this::registerAgainLoop, "register-again");
        again.setDaemon(true);
        again.start();
    }

    private void sendLoop() {
        HttpConn conn = null;
        while (!stopping) {
            LoadRun run = current;
            long slot = run.next.getAndIncrement();
            int w = run.schedule.worker(slot);
            long intended = run.t0 + run.schedule.offset(slot);
            long wait;
            while ((wait = intended - System.nanoTime()) > 0 && !stopping) {
                LockSupport.parkNanos(wait);
            }
            if (stopping || (current != run && !run.measures(intended))) {
                continue; // the fleet changed meanwhile: the new schedule has this worker's next renewal
            }
            InetSocketAddress t = target;
            if (conn == null || !conn.address().equals(t)) {
                if (conn != null) {
                    conn.close();
                }
                conn = new HttpConn(t, timeoutMs, opens);
            }
            String error = null;
            int status = 0;
            int now = inFlight.incrementAndGet();
            run.maxInFlight.accumulateAndGet(now, Math::max);
            long sentAt = System.nanoTime();
            try {
                status = conn.send(requests[w]);
                if (status != 200) {
                    error = "http_" + status;
                }
            } catch (SocketTimeoutException e) {
                error = "timeout";
            } catch (IOException | RuntimeException e) {
                error = "io";
            }
            long doneAt = System.nanoTime();
            inFlight.decrementAndGet();
            record(run, w, intended, sentAt, doneAt, status, error);
        }
        if (conn != null) {
            conn.close();
        }
    }

    /** Accounts one finished renewal (any sender thread). */
    private void record(LoadRun run, int w, long intended, long sentAt, long doneAt, int status, String error) {
        long latencyMicros = Math.max(0, (doneAt - intended) / 1000);
        boolean measured = run.measures(intended);
        if (error == null) {
            progress.recordValue(latencyMicros);
            if (measured) {
                run.measured.recordValue(latencyMicros);
                run.service.recordValue((doneAt - sentAt) / 1000);
            }
        } else {
            progressErrors.increment();
            if (measured) {
                run.error(error);
            }
            if (status == 503 || "io".equals(error)) {
                maybeLookUpLeader();
            } else if (status == 404 || status == 409) {
                toRegisterAgain.add(w); // expired or unknown: a real worker registers again
            }
        }
        if (measured) {
            run.measuredDone.increment();
        }
    }

    /** Workers whose lease ran out (404/409) register again, as real workers do; counted and reported. */
    private void registerAgainLoop() {
        while (!stopping) {
            List<Future<?>> pending = new ArrayList<>();
            for (Integer w : List.copyOf(toRegisterAgain)) {
                pending.add(registerPool.submit(() -> {
                    try {
                        register(w);
                        // Renew at once, as a real worker does: the leader keeps the old, passed deadline
                        // of a worker that registers again, and its sweeper would expire it again.
                        client.heartbeat(prefix + w);
                        registeredAgain.increment();
                    } catch (AgentdException e) {
                        // tried again if it fails again
                    } finally {
                        toRegisterAgain.remove(w);
                    }
                }));
            }
            for (Future<?> f : pending) {
                try {
                    f.get();
                } catch (InterruptedException e) {
                    return;
                } catch (java.util.concurrent.ExecutionException e) {
                    // counted as not registered
                }
            }
            LockSupport.parkNanos(200_000_000L);
        }
    }

    private void maybeLookUpLeader() {
        long last = lastLeaderLookup.get();
        long now = System.nanoTime();
        if (now - last > 1_000_000_000L && lastLeaderLookup.compareAndSet(last, now)) {
            registerPool.execute(this::lookUpLeaderAgain); // not on a sender: an I/O thread serves many connections
        }
    }

    private void lookUpLeaderAgain() {
        {
            try {
                String before = leaderId;
                lookUpLeader(Duration.ofSeconds(5));
                if (!leaderId.equals(before)) {
                    System.out.printf("leader changed: %s -> %s at %s%n", before, leaderId, target);
                }
            } catch (RuntimeException e) {
                System.out.println("leader lookup failed: " + e.getMessage());
            }
        }
    }

    private void lookUpLeader(Duration wait) {
        Leader l = Leader.find(client, token, wait);
        leaderId = l.id();
        target = l.http();
    }

    private void progressUntil(long until, int workers) throws InterruptedException {
        long started = System.nanoTime();
        progress.getIntervalHistogram(); // start a fresh interval
        long errors0 = progressErrors.sum();
        long lastTick = started;
        while (true) {
            long now = System.nanoTime();
            if (now - until >= 0) {
                return;
            }
            long next = reportEvery > 0 ? Math.min(until, lastTick + reportEvery) : until;
            sleepUntil(next);
            if (reportEvery > 0 && System.nanoTime() - (lastTick + reportEvery) >= 0) {
                long tick = System.nanoTime();
                Histogram h = progress.getIntervalHistogram();
                long errs = progressErrors.sum();
                System.out.printf("  [%3.0f s] %d workers: %.0f ok/s, %s ms, errors %d%s%n", (tick - started) / 1e9,
                        workers, h.getTotalCount() / ((tick - lastTick) / 1e9), Report.latencies(h), errs - errors0,
                        registeredAgain.sum() > 0 ? ", registered again " + registeredAgain.sum() : "");
                errors0 = errs;
                lastTick = tick;
            }
        }
    }

    private static void sleepUntil(long deadline) throws InterruptedException {
        long wait;
        while ((wait = deadline - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(Math.min(wait, 100_000_000L));
        }
    }

    private static long ownCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    private Map<String, Long> serverCpu() {
        Map<String, Long> out = new LinkedHashMap<>();
        serverPids.forEach((name, pid) -> out.put(name, Report.cpuNanos(pid)));
        return out;
    }

    private void stop() {
        stopping = true;
        if (nio != null) {
            try {
                nio.stop(timeoutMs + 1000L);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        senders.forEach(LockSupport::unpark);
        for (Thread t : senders) {
            try {
                t.join(timeoutMs + 1000L);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        registerPool.shutdownNow();
    }
}
