package io.agentd.worker.process;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A few watchdogs started ahead of need ({@code agentd-watchdog --spare}), so that starting an
 * agent ({@link AgentProcess#start(AgentLaunch, WatchdogSpares)}) is a write to a pipe rather than
 * a process start, a bash start and three thread starts on the caller's thread. Each one taken is
 * replaced on a thread of this pool's own.
 *
 * <p>A spare runs nothing, holds no lease and no agent: if the worker dies or is frozen, spares
 * are harmless (they exit when their stdin closes). Each costs a bash process, its guard and three
 * parked JVM threads.
 *
 * <p>Thread-safe.
 */
public final class WatchdogSpares implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WatchdogSpares.class);

    private final Path script;
    private final Path dir;
    private final int size;
    private final ExecutorService starter;
    // Guarded by this.
    private final ArrayDeque<Watchdog> ready = new ArrayDeque<>();
    private int starting;
    private boolean closed;

    /**
     * Keeps {@code size} spares of {@code script} ready, started in {@code dir}; 0 keeps none (every
     * agent then gets a watchdog started for it).
     */
    public WatchdogSpares(Path script, Path dir, int size) {
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative");
        }
        this.script = script;
        this.dir = dir;
        this.size = size;
        this.starter = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "watchdog-spares");
            t.setDaemon(true);
            return t;
        });
        refill();
    }

    /** A ready spare, or null when none is; the one taken is replaced in the background. */
    Watchdog take() {
        Watchdog w = null;
        synchronized (this) {
            while (!ready.isEmpty()) {
                Watchdog candidate = ready.poll();
                if (candidate.alive()) {
                    w = candidate;
                    break;
                }
            }
        }
        refill();
        return w;
    }

    /** How many spares are ready now. */
    public synchronized int ready() {
        ready.removeIf(w -> !w.alive());
        return ready.size();
    }

    private void refill() {
        synchronized (this) {
            if (closed || ready.size() + starting >= size) {
                return;
            }
            starting++;
        }
        try {
            starter.execute(this::startOne);
        } catch (RejectedExecutionException e) {
            synchronized (this) {
                starting--;
            }
        }
    }

    private void startOne() {
        Watchdog w;
        try {
            w = Watchdog.start(script, dir);
        } catch (IOException | RuntimeException e) {
            // Not retried until the next take: a start that fails now would fail in a loop.
            LOG.warn("could not start a spare watchdog ({}); agents get watchdogs started for them", e.toString());
            synchronized (this) {
                starting--;
            }
            return;
        }
        boolean keep;
        synchronized (this) {
            starting--;
            keep = !closed;
            if (keep) {
                ready.add(w);
            }
        }
        if (keep) {
            refill();
        } else {
            w.discard();
        }
    }

    /** Lets every ready spare go (each exits once its stdin closes); none is started after this. */
    @Override
    public void close() {
        Watchdog[] spares;
        synchronized (this) {
            closed = true;
            spares = ready.toArray(new Watchdog[0]);
            ready.clear();
        }
        starter.shutdownNow();
        for (Watchdog w : spares) {
            w.discard();
        }
    }
}
