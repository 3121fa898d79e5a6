package io.agentd.worker.process;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JVM's end of the lease pipe to one watchdog. Callers post the latest deadline or a stop
 * and return at once; one thread of its own writes them. A watchdog that does not read (frozen,
 * pipe full) blocks only that thread, and meanwhile newer deadlines replace older ones that were
 * not sent yet. Each line goes out in one write of less than PIPE_BUF bytes, so the watchdog
 * never sees half a line.
 *
 * <p>Thread-safe.
 */
final class WatchdogPipe {
    private static final Logger LOG = LoggerFactory.getLogger(WatchdogPipe.class);
    private static final long STUCK_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final OutputStream out;
    private final Thread writer;

    // Guarded by this.
    private String agentId;
    /** The launch record of a spare watchdog, written before anything else. */
    private byte[] pendingRecord;
    private long pendingDeadline = -1;
    private long pendingStopGrace = -1;
    private boolean stopping;
    private boolean closed;
    private long writeStartedNanos;
    private boolean writing;
    private boolean warnedStuck;

    WatchdogPipe(String agentId, OutputStream out) {
        this.agentId = agentId;
        this.out = out;
        this.writer = new Thread(this::run, "agent-" + agentId + "-lease");
        writer.setDaemon(true);
    }

    void start() {
        writer.start();
    }

    /**
     * A spare watchdog gets its agent: {@code record} goes out first, then any deadline or stop.
     * From now on log lines name {@code agentId}.
     */
    synchronized void adopt(String agentId, String threadName, byte[] record) {
        this.agentId = agentId;
        writer.setName(threadName);
        if (closed) {
            return;
        }
        pendingRecord = record;
        notifyAll();
    }

    /** The lease now ends at {@code bootMillis} on the {@link BootClock}. Ignored after a stop. */
    synchronized void deadline(long bootMillis) {
        if (closed || stopping) {
            return;
        }
        if (writing && System.nanoTime() - writeStartedNanos > STUCK_NANOS && !warnedStuck) {
            warnedStuck = true;
            LOG.warn("agent {}: the watchdog has not read its lease pipe for over a second (frozen?); "
                    + "newer deadlines wait", agentId);
        }
        pendingDeadline = bootMillis;
        notifyAll();
    }

    /** Stop the agent: SIGTERM, SIGKILL after {@code graceMillis}. A later, shorter grace still counts. */
    synchronized void stop(long graceMillis) {
        if (closed) {
            return;
        }
        stopping = true;
        pendingDeadline = -1;
        pendingStopGrace = pendingStopGrace < 0 ? graceMillis : Math.min(pendingStopGrace, graceMillis);
        notifyAll();
    }

    /** The watchdog is gone: drop whatever is pending and let the writer end. */
    synchronized void close() {
        closed = true;
        notifyAll();
    }

    private static byte[] line(String text) {
        return (text + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    private void run() {
        try {
            while (true) {
                byte[] bytes;
                synchronized (this) {
                    while (!closed && pendingRecord == null && pendingStopGrace < 0 && pendingDeadline < 0) {
                        wait();
                    }
                    if (closed) {
                        return;
                    }
                    if (pendingRecord != null) { // the record first, whatever else is pending
                        bytes = pendingRecord;
                        pendingRecord = null;
                    } else if (pendingStopGrace >= 0) {
                        bytes = line("stop " + pendingStopGrace);
                        pendingStopGrace = -1;
                    } else {
                        bytes = line("@" + pendingDeadline);
                        pendingDeadline = -1;
                    }
                    writing = true;
                    writeStartedNanos = System.nanoTime();
                }
                try {
                    out.write(bytes);
                    out.flush();
                } catch (IOException e) {
                    synchronized (this) {
                        if (!closed) {
                            LOG.warn("agent {}: cannot write to the watchdog ({}); lease lines are dropped",
                                    agentId, e.getMessage());
                        }
                        closed = true;
                    }
                    return;
                } finally {
                    synchronized (this) {
                        writing = false;
                        warnedStuck = false;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                out.close();
            } catch (IOException e) {
                LOG.debug("agent {}: closing the lease pipe", agentId, e);
            }
        }
    }
}
