package io.agentd.bench;

import io.agentd.client.AgentFilter;
import io.agentd.client.AgentdClient;
import io.agentd.client.AgentdException;
import io.agentd.client.api.AgentSpecView;
import io.agentd.client.api.AgentView;
import io.agentd.client.api.SpawnRequest;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Spawn to running: from just before the spawn request is sent to the moment the agent's own
 * process starts, as that process writes it (epoch nanoseconds, {@code date +%s%N}). Both
 * clocks are this machine's realtime clock, so this only works with the worker on the same
 * host as this tool.
 */
public final class SpawnToRunning {
    static final String USAGE = """
            usage: spawn-to-running --servers URL[,URL...] --dir DIR [options]
              Spawns agents whose command writes its start time (epoch ns) to DIR/<agent name> and then
              sleeps; measures spawn-request-sent -> agent-started. A worker on this host must run them.
              --servers URLS      coordinator endpoints
              --dir DIR           where the agents write their start times (created if missing)
              --count K           agents to spawn (default 200)
              --concurrency C     spawns in flight; each waits for its agent to start (default 1: sequential)
              --namespace NS      (default default)
              --prefix P          agent names P-<run>-<i>; also label bench=P (default s2r)
              --timeout D         longest wait for one agent to start (default 30s)
              --poll D            file poll interval (default 1ms)
              --keep              leave the agents running (default: delete them and wait until they are gone)
              --delete-timeout D  longest wait for the deletes to finish (default 60s)
              --token-file FILE   the API token to send (default: none)
            """;

    public static void main(String[] argv) {
        System.exit(run(argv));
    }

    static int run(String[] argv) {
        String servers;
        Path dir;
        int count;
        int concurrency;
        String namespace;
        String prefix;
        Duration timeout;
        Duration poll;
        boolean keep;
        Duration deleteTimeout;
        String token;
        try {
            Args a = Args.parse(argv, Set.of("keep"));
            if (a.help()) {
                System.out.print(USAGE);
                return 0;
            }
            servers = a.string("servers", null);
            dir = Path.of(a.string("dir", null)).toAbsolutePath();
            count = a.integer("count", 200);
            concurrency = a.integer("concurrency", 1);
            namespace = a.string("namespace", "default");
            prefix = a.string("prefix", "s2r");
            timeout = a.duration("timeout", "30s");
            poll = a.duration("poll", "1ms");
            keep = a.flag("keep");
            deleteTimeout = a.duration("delete-timeout", "60s");
            token = Auth.token(a);
            a.finish();
            if (count < 1 || concurrency < 1) {
                throw new IllegalArgumentException("count and concurrency must be positive");
            }
            if (!prefix.matches("[a-z0-9]([a-z0-9-]{0,40}[a-z0-9])?")) {
                throw new IllegalArgumentException("--prefix must be a short DNS label: " + prefix);
            }
        } catch (IllegalArgumentException e) {
            System.err.println("spawn-to-running: " + e.getMessage());
            System.err.print(USAGE);
            return 2;
        }
        AgentdClient client = AgentdClient.builder().endpoints(servers).token(token)
                .requestTimeout(Duration.ofSeconds(10)).build();
        try {
            Files.createDirectories(dir);
            return new SpawnToRunning().go(client, dir, count, concurrency, namespace, prefix, timeout, poll, keep,
                    deleteTimeout);
        } catch (IOException | RuntimeException | InterruptedException e) {
            System.err.println("spawn-to-running: failed: " + e);
            return 1;
        }
    }

    private int go(AgentdClient client, Path dir, int count, int concurrency, String namespace, String prefix,
                   Duration timeout, Duration poll, boolean keep, Duration deleteTimeout)
            throws InterruptedException {
        String runId = Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36), 36);
        String base = prefix + "-" + runId + "-";
        // Written to a temporary name and renamed, so the file is never seen half written.
        String script = "date +%s%N > \"$BENCH_DIR/.$AGENTD_AGENT_NAME\" && "
                + "mv \"$BENCH_DIR/.$AGENTD_AGENT_NAME\" \"$BENCH_DIR/$AGENTD_AGENT_NAME\"; exec sleep 3600";
        AgentSpecView spec = new AgentSpecView("/bin/sh", List.of("-c", script), Map.of("BENCH_DIR", dir.toString()),
                null, 1, Map.of("bench", prefix), Map.of(), "never");
        // Epoch nanoseconds from the monotonic clock, anchored once: System.nanoTime() is cheap and steady.
        long anchorEpoch = epochNanos(Instant.now());
        long anchorMono = System.nanoTime();

        Histogram toRunning = new Histogram(3);
        Histogram ack = new Histogram(3);
        LongAdder timeouts = new LongAdder();
        LongAdder errors = new LongAdder();
        List<String> spawned = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger next = new AtomicInteger();
        System.out.printf("spawn-to-running: %d agents %s*, %s, files in %s (%s)%n", count, base,
                concurrency == 1 ? "one at a time" : concurrency + " at a time", dir, Instant.now());
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        List<Future<?>> loops = new ArrayList<>();
        for (int t = 0; t < concurrency; t++) {
            loops.add(pool.submit(() -> {
                int i;
                while ((i = next.getAndIncrement()) < count) {
                    String name = base + i;
                    Path file = dir.resolve(name);
                    long sent = anchorEpoch + (System.nanoTime() - anchorMono);
                    try {
                        client.spawn(namespace, new SpawnRequest(name, spec));
                    } catch (AgentdException e) {
                        errors.increment();
                        System.out.println("  spawn of " + name + " failed: " + e.getMessage());
                        continue;
                    }
                    long acked = anchorEpoch + (System.nanoTime() - anchorMono);
                    spawned.add(name);
                    long started = waitForStart(file, timeout, poll);
                    synchronized (toRunning) {
                        ack.recordValue(Math.max(0, (acked - sent) / 1000));
                        if (started < 0) {
                            timeouts.increment();
                            System.out.println("  " + name + " did not start within " + timeout.toSeconds() + " s");
                        } else if (started < sent) {
                            errors.increment();
                            System.out.println("  " + name + " started before its spawn was sent? clock mismatch");
                        } else {
                            toRunning.recordValue((started - sent) / 1000);
                        }
                    }
                }
                return null;
            }));
        }
        try {
            for (Future<?> f : loops) {
                f.get();
            }
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }

        System.out.printf("  spawn answered (ms):          %s%n", Report.latencies(ack));
        System.out.printf("  spawn sent -> agent started:  %s%n", Report.latencies(toRunning));
        System.out.printf("  %d started, %d did not start in time, %d errors%n", toRunning.getTotalCount(),
                timeouts.sum(), errors.sum());
        int leftover = 0;
        if (!keep) {
            leftover = deleteAll(client, namespace, prefix, spawned, deleteTimeout);
        }
        System.out.println("RESULT spawn_to_running" + Report.latencyFields(toRunning, "")
                + " ack_p50_ms=" + Report.ms(Report.pct(ack, 50)) + " ack_p99_ms=" + Report.ms(Report.pct(ack, 99))
                + " n=" + toRunning.getTotalCount() + " timeouts=" + timeouts.sum() + " errors=" + errors.sum()
                + " concurrency=" + concurrency + (keep ? "" : " left_after_delete=" + leftover));
        return timeouts.sum() + errors.sum() == 0 && leftover == 0 ? 0 : 1;
    }

    /** The start time the agent wrote, or -1 after the timeout. */
    private static long waitForStart(Path file, Duration timeout, Duration poll) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() - deadline < 0) {
            try {
                String text = Files.readString(file).trim();
                if (!text.isEmpty()) {
                    return Long.parseLong(text);
                }
            } catch (NoSuchFileException e) {
                // not yet
            } catch (IOException | NumberFormatException e) {
                throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
            }
            LockSupport.parkNanos(poll.toNanos());
        }
        return -1;
    }

    /** Deletes the agents and waits until none with the label is left; returns how many are left. */
    private static int deleteAll(AgentdClient client, String namespace, String prefix, List<String> names,
                                 Duration wait) throws InterruptedException {
        long t = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        for (String name : names) {
            pool.submit(() -> {
                try {
                    client.deleteAgent(namespace, name);
                } catch (AgentdException e) {
                    if (!AgentdException.NOT_FOUND.equals(e.code())) {
                        System.out.println("  delete of " + name + " failed: " + e.getMessage());
                    }
                }
            });
        }
        pool.shutdown();
        pool.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS);
        pool.shutdownNow();
        Set<String> mine = Set.copyOf(names);
        long deadline = t + wait.toNanos();
        int left;
        while (true) {
            left = 0;
            for (AgentView a : client.listAgents(namespace, new AgentFilter(null, null, Map.of("bench", prefix)))) {
                if (mine.contains(a.name())) {
                    left++;
                }
            }
            if (left == 0 || System.nanoTime() - deadline > 0) {
                break;
            }
            Thread.sleep(200);
        }
        System.out.printf("  deleted %d agents in %.1f s%s%n", names.size() - left, (System.nanoTime() - t) / 1e9,
                left == 0 ? "" : "; " + left + " still there after " + wait.toSeconds() + " s");
        return left;
    }

    static long epochNanos(Instant i) {
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }
}
