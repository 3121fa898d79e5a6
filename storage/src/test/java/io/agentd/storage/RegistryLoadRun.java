package io.agentd.storage;

import io.agentd.statemachine.Replica;
import io.agentd.statemachine.codec.CommandCodec;
import io.agentd.statemachine.command.Command;
import io.agentd.statemachine.command.Envelope;
import io.agentd.statemachine.model.AgentSpec;
import io.agentd.statemachine.model.Quota;
import io.agentd.statemachine.model.RestartPolicy;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The registry part of a coordinator's restart in one process, for profiling (not a test; timings
 * belong to bench/scale.sh). {@code fill DIR COUNT}: a store holding COUNT agents registered as
 * bench/scale.sh registers them (batches of 1,000 spawns with request ids, one entry each), then
 * {@code Runtime.halt}, as a kill -9 leaves it. {@code load DIR}: opens the store and loads the
 * registry, printing the time and CPU of each step and the GC's share.
 *
 * <p>Run with the storage module's test class path, e.g.
 * {@code java -cp storage/target/test-classes:$(cat cp.txt) io.agentd.storage.RegistryLoadRun load /tmp/reg}.
 */
public final class RegistryLoadRun {
    private RegistryLoadRun() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "fill" -> fill(Path.of(args[1]), Integer.parseInt(args[2]));
            case "load" -> load(Path.of(args[1]));
            case "scan" -> scan(Path.of(args[1]));
            default -> throw new IllegalArgumentException("fill DIR COUNT | load DIR");
        }
    }

    private static void fill(Path dir, int count) {
        RocksStore store = RocksStore.open(dir);
        Replica replica = new Replica(store);
        long index = 0;
        long time = 1_700_000_000_000L;
        replica.apply(1, ++index, time, CommandCodec.encodeBatch(List.of(
                new Envelope(null, "bench", new Command.CreateNamespace("scale", Quota.UNLIMITED)))));
        int batch = 1000;
        for (int from = 0; from < count; from += batch) {
            List<Envelope> envelopes = new ArrayList<>(batch);
            for (int i = from; i < Math.min(count, from + batch); i++) {
                AgentSpec spec = new AgentSpec("sleep", List.of("3600"), new TreeMap<>(), null, 1,
                        new TreeMap<>(Map.of("group", "g" + (i % 100))), new TreeMap<>(), RestartPolicy.ON_FAILURE);
                envelopes.add(new Envelope("scale-" + (from / batch) + ":" + (i - from), "bench",
                        new Command.SpawnAgent("scale", String.format("a-%07d", i), spec)));
            }
            replica.apply(1, ++index, time += 10, CommandCodec.encodeBatch(envelopes));
        }
        System.out.printf("filled %s: %d agents, applied index %d, fingerprint %s%n", dir, replica.state().agentCount(),
                index, Boolean.getBoolean("fingerprint") ? digest(replica.state().fingerprint()) : "-");
        System.out.flush();
        if (Boolean.getBoolean("waitForKill")) {
            // For RegistryReloadTest: it kills this process with SIGKILL once it has read the line above.
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Runtime.getRuntime().halt(0);
    }

    private static void load(Path dir) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpu0 = threads.getCurrentThreadCpuTime();
        long gc0 = gcMillis();
        long t0 = System.nanoTime();
        RocksStore store = RocksStore.open(dir);
        long t1 = System.nanoTime();
        long cpu1 = threads.getCurrentThreadCpuTime();
        Replica replica = new Replica(store);
        long t2 = System.nanoTime();
        long cpu2 = threads.getCurrentThreadCpuTime();
        long gc2 = gcMillis();
        System.out.printf("open %d ms (thread cpu %d ms); load %d ms (thread cpu %d ms, gc pauses %d ms, process cpu %d ms "
                        + "since start); %d agents at revision %d%n",
                (t1 - t0) / 1_000_000, (cpu1 - cpu0) / 1_000_000, (t2 - t1) / 1_000_000, (cpu2 - cpu1) / 1_000_000,
                gc2 - gc0, processCpuMillis(), replica.state().agentCount(), replica.state().revision());
        String cpu = threadCpu(); // before the full GC below
        System.gc();
        Runtime rt = Runtime.getRuntime();
        System.out.printf("heap used after GC: %d MiB%n", (rt.totalMemory() - rt.freeMemory()) >> 20);
        System.out.println("cpu by thread until loaded: " + cpu);
        if (Boolean.getBoolean("fingerprint")) {
            System.out.printf("fingerprint %s%n", digest(replica.state().fingerprint()));
        }
        store.close();
    }

    /** CPU milliseconds of this process's threads by name (from /proc, so GC and JIT threads too), largest first. */
    private static String threadCpu() {
        java.util.Map<String, Long> byName = new java.util.TreeMap<>();
        try (var tasks = java.nio.file.Files.list(Path.of("/proc/self/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                String stat = java.nio.file.Files.readString(t.resolve("stat"));
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("[0-9#]+$", "").trim();
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
                byName.merge(name, ticks * 10, Long::sum);
            }
        } catch (java.io.IOException e) {
            return "unknown (" + e + ")";
        }
        return byName.entrySet().stream().filter(e -> e.getValue() > 0)
                .sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed())
                .map(e -> e.getKey() + "=" + e.getValue()).collect(java.util.stream.Collectors.joining(" "));
    }

    /** Only the store's part of a load: open, then scan every table the load reads, decoding nothing. */
    private static void scan(Path dir) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long t0 = System.nanoTime();
        RocksStore store = RocksStore.open(dir);
        long t1 = System.nanoTime();
        long cpu1 = threads.getCurrentThreadCpuTime();
        long[] n = new long[2];
        for (io.agentd.statemachine.store.Table t : java.util.List.of(io.agentd.statemachine.store.Table.ENTITIES,
                io.agentd.statemachine.store.Table.EVENTS, io.agentd.statemachine.store.Table.DEDUP)) {
            store.scan(t, (k, v) -> {
                n[0]++;
                n[1] += k.length + v.length;
            });
        }
        long t2 = System.nanoTime();
        System.out.printf("open %d ms; scan %d ms (thread cpu %d ms): %d entries, %d bytes; cpu by thread: %s%n",
                (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (threads.getCurrentThreadCpuTime() - cpu1) / 1_000_000,
                n[0], n[1], threadCpu());
        store.close();
    }

    /** SHA-256 of a state's fingerprint, in hex. */
    static String digest(String fingerprint) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(fingerprint.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long gcMillis() {
        long sum = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            sum += Math.max(0, gc.getCollectionTime());
        }
        return sum;
    }

    private static long processCpuMillis() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() / 1_000_000 : -1;
    }
}
