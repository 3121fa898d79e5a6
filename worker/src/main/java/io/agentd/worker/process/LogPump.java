package io.agentd.worker.process;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the watchdog's merged stdout and stderr (the agent's output and the watchdog's own
 * lines) into the agent's {@link RotatingLog}, and picks the agent's pid out of the stream.
 *
 * <p>The pid line is trusted only in the position the watchdog guarantees: among the
 * {@code agentd-watchdog:} lines before the first other line. The child prints it before it
 * execs the agent, so nothing the agent prints can come first and pass for it.
 */
final class LogPump implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(LogPump.class);
    static final String WATCHDOG_PREFIX = "agentd-watchdog:";
    static final String PID_PREFIX = WATCHDOG_PREFIX + " agent pid ";
    private static final int MAX_SCANNED_LINE = 200;

    private final String agentId;
    private final InputStream in;
    private final RotatingLog log;
    private final CompletableFuture<Long> agentPid;
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    private final StringBuilder line = new StringBuilder();
    private boolean scanning = true;
    private boolean failing;

    /** {@code agentPid} is completed with the pid, or with -1 once it can no longer come. */
    LogPump(String agentId, InputStream in, RotatingLog log, CompletableFuture<Long> agentPid) {
        this.agentId = agentId;
        this.in = in;
        this.log = log;
        this.agentPid = agentPid;
    }

    /** Completes at end of stream, when everything read has been written. */
    CompletableFuture<Void> drained() {
        return drained;
    }

    @Override
    public void run() {
        byte[] buffer = new byte[8192];
        try {
            int n;
            while ((n = in.read(buffer)) != -1) {
                scan(buffer, n);
                append(buffer, n);
            }
        } catch (IOException e) {
            LOG.debug("agent {}: output stream ended", agentId, e);
        } finally {
            try {
                log.close();
            } catch (IOException e) {
                LOG.warn("agent {}: closing its log: {}", agentId, e.getMessage());
            }
            agentPid.complete(-1L);
            drained.complete(null);
        }
    }

    private void append(byte[] buffer, int n) {
        try {
            log.write(buffer, 0, n);
            failing = false;
        } catch (IOException e) {
            // Keep draining the pipe either way: a full pipe would stall the agent.
            if (!failing) {
                LOG.warn("agent {}: cannot write its log, output is dropped until it can: {}", agentId, e.toString());
            }
            failing = true;
        }
    }

    private void scan(byte[] buffer, int n) {
        for (int i = 0; i < n && scanning; i++) {
            char c = (char) (buffer[i] & 0xff);
            if (c != '\n') {
                int at = line.length();
                line.append(c);
                if (at >= MAX_SCANNED_LINE || (at < WATCHDOG_PREFIX.length() && c != WATCHDOG_PREFIX.charAt(at))) {
                    stopScanning();
                }
                continue;
            }
            String text = line.toString();
            line.setLength(0);
            if (!text.startsWith(WATCHDOG_PREFIX)) {
                stopScanning();
            } else if (text.startsWith(PID_PREFIX)) {
                try {
                    long pid = Long.parseLong(text.substring(PID_PREFIX.length()).trim());
                    agentPid.complete(pid);
                } catch (NumberFormatException e) {
                    LOG.warn("agent {}: unreadable pid line '{}'", agentId, text);
                }
                stopScanning();
            }
        }
    }

    private void stopScanning() {
        scanning = false;
        line.setLength(0);
        agentPid.complete(-1L);
    }
}
