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
 * execs the agent, so nothing the agent prints can come first and pass for it. Those leading
 * lines are the watchdog's notes, not the agent's output: they go to the worker's log, and the
 * agent's log starts with what the agent printed. A line that only starts like one (cut short,
 * or the stream ends within it) is kept in the agent's log, as is every line after the first
 * other one.
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
                int from = scanning ? scan(buffer, n) : 0;
                if (from < n) {
                    append(buffer, from, n - from);
                }
            }
        } catch (IOException e) {
            LOG.debug("agent {}: output stream ended", agentId, e);
        } finally {
            if (scanning) {
                stopScanning(); // a last line cut short is the agent's: write what was held
            }
            try {
                log.close();
            } catch (IOException e) {
                LOG.warn("agent {}: closing its log: {}", agentId, e.getMessage());
            }
            agentPid.complete(-1L);
            drained.complete(null);
        }
    }

    private void append(byte[] buffer, int from, int n) {
        try {
            log.write(buffer, from, n);
            failing = false;
        } catch (IOException e) {
            // Keep draining the pipe either way: a full pipe would stall the agent.
            if (!failing) {
                LOG.warn("agent {}: cannot write its log, output is dropped until it can: {}", agentId, e.toString());
            }
            failing = true;
        }
    }

    /**
     * Reads the leading watchdog lines from {@code buffer}; returns where the agent's output
     * starts in it ({@code n} when all of it was the watchdog's, or is held as a line not yet whole).
     */
    private int scan(byte[] buffer, int n) {
        for (int i = 0; i < n; i++) {
            char c = (char) (buffer[i] & 0xff);
            if (c != '\n') {
                int at = line.length();
                line.append(c);
                if (at >= MAX_SCANNED_LINE || (at < WATCHDOG_PREFIX.length() && c != WATCHDOG_PREFIX.charAt(at))) {
                    stopScanning();
                    return i + 1;
                }
                continue;
            }
            String text = line.toString();
            if (!text.startsWith(WATCHDOG_PREFIX)) {
                line.append('\n');
                stopScanning();
                return i + 1;
            }
            line.setLength(0);
            LOG.info("agent {}: {}", agentId, text);
            if (text.startsWith(PID_PREFIX)) {
                try {
                    long pid = Long.parseLong(text.substring(PID_PREFIX.length()).trim());
                    agentPid.complete(pid);
                } catch (NumberFormatException e) {
                    LOG.warn("agent {}: unreadable pid line '{}'", agentId, text);
                }
                stopScanning();
                return i + 1;
            }
        }
        return n;
    }

    /** Ends the scan: the line held so far (not the watchdog's) goes to the agent's log. */
    private void stopScanning() {
        scanning = false;
        if (line.length() > 0) {
            byte[] held = line.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            append(held, 0, held.length);
            line.setLength(0);
        }
        agentPid.complete(-1L);
    }
}
