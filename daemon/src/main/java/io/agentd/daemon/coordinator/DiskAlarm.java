package io.agentd.daemon.coordinator;

import io.agentd.daemon.config.FreeSpace;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The cluster's free-space alarm, as etcd's NOSPACE: every server measures the free space of its
 * data dir's file system every {@code disk-check-interval} and asks the other members for theirs;
 * while any member has less than it keeps free ({@code min-free-disk}, its own setting), the
 * alarm is raised and the API refuses writes that add data (507), so that no server runs out of
 * space while appending its Raft log or its state, which stops it. Reads and deletes go on, and
 * writes resume by themselves at the first check that finds every member above its threshold.
 *
 * <p>Any member counts, not only this one or the leader: a follower out of space stops too, and a
 * cluster that loses a majority so stops for everyone. A member that has not answered for three
 * intervals (down, partitioned, or unreachable because the servers share no secret) is left out
 * until it answers again: while it is away it appends nothing. Thread-safe.
 */
public final class DiskAlarm {
    private static final Logger LOG = LoggerFactory.getLogger(DiskAlarm.class);

    /**
     * One server's free space as it measured it.
     *
     * @param minFreeBytes what it keeps free (its {@code min-free-disk} for this file system); 0: no limit
     */
    public record Reading(String node, long freeBytes, long totalBytes, long minFreeBytes) {
        /** Whether this server is below what it keeps free. */
        public boolean low() {
            return minFreeBytes > 0 && freeBytes < minFreeBytes;
        }

        /** A line that names the server and its free space, for answers, logs and health. */
        public String describe() {
            return node + " has " + FreeSpace.human(freeBytes) + " free on its data dir, less than its min-free-disk ("
                    + FreeSpace.human(minFreeBytes) + ")";
        }
    }

    /** Free and total bytes of a file system. */
    @FunctionalInterface
    public interface Probe {
        long[] freeAndTotal() throws IOException;
    }

    private record Heard(Reading reading, long atNanos) {
    }

    private final String nodeId;
    private final FreeSpace threshold;
    private final Probe probe;
    private final Supplier<List<String>> members;
    private final LongSupplier nanoClock;
    private final Duration interval;
    private final Map<String, Heard> heard = new ConcurrentHashMap<>();
    private volatile Reading local;
    private volatile Reading raised;
    private volatile Function<String, CompletableFuture<Reading>> askPeer = id -> CompletableFuture.failedFuture(
            new IllegalStateException("not started"));

    /**
     * @param members the ids of the group's members now (this node included or not)
     * @param probe   measures this server's data dir
     */
    public DiskAlarm(String nodeId, FreeSpace threshold, Probe probe, Supplier<List<String>> members,
                     Duration interval, LongSupplier nanoClock) {
        this.nodeId = nodeId;
        this.threshold = threshold;
        this.probe = probe;
        this.members = members;
        this.interval = interval;
        this.nanoClock = nanoClock;
        this.local = new Reading(nodeId, 0, 0, 0);
        measureLocal();
    }

    /** The probe of the file system that holds {@code dir}. */
    public static Probe fileSystemOf(java.nio.file.Path dir) throws IOException {
        java.nio.file.FileStore store = java.nio.file.Files.getFileStore(dir);
        return () -> new long[]{store.getUsableSpace(), store.getTotalSpace()};
    }

    /** Checks every interval on {@code timer}, asking the other members with {@code askPeer}. */
    public void start(ScheduledExecutorService timer, Function<String, CompletableFuture<Reading>> askPeer) {
        this.askPeer = askPeer;
        timer.scheduleWithFixedDelay(this::check, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One round: this server's space now; the others' answers arrive later (each updates the alarm). */
    public void check() {
        measureLocal();
        for (String id : members.get()) {
            if (id.equals(nodeId)) {
                continue;
            }
            CompletableFuture<Reading> answer;
            try {
                answer = askPeer.apply(id);
            } catch (RuntimeException e) {
                answer = CompletableFuture.failedFuture(e);
            }
            answer.whenComplete((r, err) -> {
                if (err == null && r != null) {
                    heard.put(id, new Heard(r, nanoClock.getAsLong()));
                    update();
                }
            });
        }
        update();
    }

    private void measureLocal() {
        try {
            long[] ft = probe.freeAndTotal();
            local = new Reading(nodeId, ft[0], ft[1], threshold.off() ? 0 : threshold.of(ft[1]));
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot measure the free space of the data dir: {}", e.toString());
        }
        update();
    }

    private synchronized void update() {
        long now = nanoClock.getAsLong();
        long stale = interval.multipliedBy(3).toNanos() + TimeUnit.SECONDS.toNanos(2);
        List<String> ids = members.get();
        heard.keySet().removeIf(id -> !ids.contains(id));
        Reading lowest = local.low() ? local : null;
        for (Heard h : heard.values()) {
            if (now - h.atNanos() <= stale && h.reading().low()
                    && (lowest == null || h.reading().freeBytes() < lowest.freeBytes())) {
                lowest = h.reading();
            }
        }
        Reading before = raised;
        raised = lowest;
        if (lowest != null && before == null) {
            LOG.warn("free-space alarm: {}: the cluster refuses writes that add data until it has more; reads and"
                    + " deletes go on", lowest.describe());
        } else if (lowest == null && before != null) {
            LOG.info("free-space alarm cleared: every server has at least its min-free-disk; writes resume");
        }
    }

    /** This server's last measurement. */
    public Reading local() {
        return local;
    }

    /** The member lowest on space while the alarm is raised; empty when it is not. */
    public Optional<Reading> raised() {
        return Optional.ofNullable(raised);
    }

    /** Every member's last reading known here (this server's own included), by id. */
    public Map<String, Reading> readings() {
        Map<String, Reading> out = new TreeMap<>();
        heard.forEach((id, h) -> out.put(id, h.reading()));
        out.put(nodeId, local);
        return out;
    }
}
