package io.agentd.worker.process;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One agent running under its {@code agentd-watchdog} (see the package documentation).
 *
 * <p><b>Lease.</b> The agent may run until the deadline last sent: {@link AgentLaunch#initialLease}
 * after {@link #start}, then whatever {@link #extendLease} says. At the deadline the watchdog sends
 * SIGTERM to the agent's session and SIGKILL {@link AgentLaunch#killGrace} later, on its own, with
 * no help from this JVM. Deadlines travel as absolute times on the kernel's boot clock, so a
 * pipe that delivers late (a frozen JVM, a busy machine) cannot stretch a lease.
 *
 * <p><b>When things die.</b>
 * <ul>
 * <li>The JVM dies: the watchdog sees end of file on its pipe; the agent's session is gone about
 *     200 ms later (SIGTERM, then SIGKILL).
 * <li>The JVM is frozen (SIGSTOP, a long GC pause): no new deadline comes and the old one passes.
 *     The watchdog never waits on the output pipe, which nobody drains then.
 * <li>The watchdog itself is frozen: nothing enforces the deadline until it runs again. Only
 *     {@link #stop}'s fallback to {@link #kill()} covers that, and only once stop was asked for.
 * <li>The watchdog is killed with SIGKILL: its guard, a second small process in a session of its
 *     own, sees its lifeline pipe close and sends SIGKILL to the agent's session within tens of
 *     milliseconds. When this JVM then sees the watchdog exit, it also sweeps the session itself.
 *     Only if the watchdog, its guard and this JVM all die together does the agent keep running;
 *     the worker's systemd unit ({@code KillMode=control-group}) covers that case.
 * <li>The agent exits: the watchdog stops whatever is left of its session, then exits with the
 *     agent's status, which completes {@link #exitFuture()}.
 * </ul>
 *
 * <p><b>Output.</b> The agent's stdout and stderr, and the watchdog's own lines (all starting
 * {@code agentd-watchdog:}), go in order of writing to {@code agent.log} in the log directory,
 * rotated by size; {@link LogTail} reads it back.
 *
 * <p><b>Threads.</b> All methods are thread-safe and none of them blocks on the watchdog:
 * lease lines are written by a thread of this object, which is the one that waits if the
 * watchdog stops reading. Each agent uses three daemon threads (output, lease pipe, exit).
 * {@link #exitFuture()} completes on an internal thread; do not block in non-async callbacks.
 */
public final class AgentProcess {
    private static final Logger LOG = LoggerFactory.getLogger(AgentProcess.class);
    /** How long {@link #start} waits for the watchdog to report the agent's pid. */
    private static final long PID_WAIT_MILLIS = 10_000;
    /** How long the exit waits for the last output once the watchdog is gone. */
    private static final long DRAIN_MILLIS = 2_000;
    /** How long the JVM's own sweep of the session keeps sending SIGKILL. */
    private static final long SWEEP_MILLIS = 2_000;
    /** After a stop's grace, how long the watchdog gets before {@link #kill()} takes over. */
    private static final long STOP_SLACK_MILLIS = 5_000;
    /** Longest lease a line can carry; the watchdog takes up to 15 digits. */
    private static final long MAX_LEASE_MILLIS = TimeUnit.DAYS.toMillis(365);
    private static final ScheduledExecutorService TIMER = timer();

    private final String agentId;
    private final Watchdog watchdog;
    private final Path logDir;
    private final WatchdogPipe pipe;
    private final LogPump pump;
    private final CompletableFuture<Long> agentPid = new CompletableFuture<>();
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    private volatile long agentStartTicks = -1;
    private volatile boolean killed;

    /** Made by {@link Watchdog#adopt}, which then sends the launch record. */
    AgentProcess(AgentLaunch launch, Watchdog watchdog, RotatingLog log) {
        this.agentId = launch.agentId();
        this.watchdog = watchdog;
        this.logDir = launch.logDir();
        this.pipe = watchdog.pipe();
        this.pump = new LogPump(agentId, watchdog.output(), log, agentPid);
        // Read the start time as soon as the pid is known, to tell it from a reused pid later.
        agentPid.thenAccept(pid -> {
            if (pid > 0) {
                agentStartTicks = AgentSession.startTicks(pid);
            }
        });
    }

    /**
     * Starts the agent under a new watchdog and returns once the watchdog has reported the agent's
     * pid (normally milliseconds; at most ten seconds, after which {@link #pid()} may still be -1).
     *
     * @throws IOException if the log directory cannot be set up or bash cannot be started. A
     *                     command that cannot be run is not an exception: the agent exits with
     *                     126 or 127 and the log says why (127 also for a working directory that
     *                     cannot be entered).
     */
    public static AgentProcess start(AgentLaunch launch) throws IOException {
        return start(launch, true);
    }

    /**
     * As {@link #start(AgentLaunch)}; with {@code awaitPid} false it returns as soon as the
     * watchdog runs, without waiting for the agent's pid ({@link #pid()} is -1 until it comes).
     */
    public static AgentProcess start(AgentLaunch launch, boolean awaitPid) throws IOException {
        AgentProcess agent = start(launch, (WatchdogSpares) null);
        if (awaitPid) {
            agent.awaitPid();
        }
        return agent;
    }

    /**
     * Starts the agent under one of {@code spares} (a new watchdog when none is ready, or when
     * {@code spares} is null) and returns without waiting for the agent's pid. With a spare this
     * costs a write to a pipe: no process and no thread is started on the caller's thread.
     *
     * @throws IOException as {@link #start(AgentLaunch)}
     */
    public static AgentProcess start(AgentLaunch launch, WatchdogSpares spares) throws IOException {
        RotatingLog log = new RotatingLog(launch.logDir(), launch.logMaxBytes(), launch.logFiles());
        try {
            Watchdog spare;
            while (spares != null && (spare = spares.take()) != null) {
                AgentProcess agent = spare.adopt(launch, log);
                if (agent != null) {
                    return agent;
                }
            }
            AgentProcess agent = Watchdog.start(launch.watchdogScript(), null).adopt(launch, log);
            if (agent == null) {
                throw new IOException("the watchdog exited as soon as it started");
            }
            return agent;
        } catch (IOException | RuntimeException e) {
            log.close();
            throw e;
        }
    }

    private void awaitPid() {
        try {
            CompletableFuture.anyOf(agentPid, exit).get(PID_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn("agent {}: the watchdog has not reported the agent's pid after {} ms", agentId, PID_WAIT_MILLIS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.debug("agent {}: started, pid {}, watchdog {}", agentId, pid(), watchdogPid());
    }

    public String agentId() {
        return agentId;
    }

    /**
     * The lease is good for {@code remaining} more, counted from this call (not from when the line
     * reaches the watchdog). Replaces the previous deadline, also when it is earlier; zero or
     * negative makes the watchdog stop the agent now. Returns at once; ignored after
     * {@link #stop}, {@link #kill()} or the exit. If the watchdog does not read, newer deadlines
     * replace older unsent ones and a warning is logged.
     */
    public void extendLease(Duration remaining) {
        if (exit.isDone()) {
            return;
        }
        long millis = Math.max(0, Math.min(remaining.toMillis(), MAX_LEASE_MILLIS));
        pipe.deadline(BootClock.millis() + millis);
    }

    /**
     * Asks the watchdog to stop the agent: SIGTERM to its session, SIGKILL after {@code grace}.
     * Returns at once with {@link #exitFuture()}. Should the watchdog not be done within the grace
     * and five seconds more (frozen, say), {@link #kill()} follows. A second call with a shorter
     * grace shortens it.
     */
    public CompletableFuture<Integer> stop(Duration grace) {
        if (exit.isDone()) {
            return exitFuture();
        }
        long graceMillis = Math.max(0, Math.min(grace.toMillis(), MAX_LEASE_MILLIS));
        pipe.stop(graceMillis);
        ScheduledFuture<?> fallback = TIMER.schedule(() -> {
            if (alive()) {
                LOG.warn("agent {}: the watchdog has not stopped it {} ms after the grace; killing", agentId,
                        STOP_SLACK_MILLIS);
                kill();
            }
        }, graceMillis + STOP_SLACK_MILLIS, TimeUnit.MILLISECONDS);
        exit.whenComplete((code, error) -> fallback.cancel(false));
        return exitFuture();
    }

    /**
     * Kills the watchdog with SIGKILL; its guard then kills the agent's session with SIGKILL, and
     * this JVM sweeps the session once more when it sees the watchdog exit. No SIGTERM, no grace.
     * Returns at once; {@link #exitFuture()} completes when it is done (usually with 137).
     */
    public void kill() {
        if (!exit.isDone()) {
            killed = true;
            watchdog.process().destroyForcibly();
        }
    }

    /**
     * The watchdog's exit status, which is the agent's: its exit code, or 128+n if signal n ended
     * it (143 after a SIGTERM that it did not handle, 137 after SIGKILL). 125 means the watchdog
     * was started wrongly, 126 and 127 that the command could not be run, and 137 also that the
     * watchdog itself was killed. Completes once the agent's whole session is gone (unless processes
     * survive SIGKILL for seconds, which the log reports) and its output is in the log. The future
     * returned is a copy: completing it changes nothing here.
     */
    public CompletableFuture<Integer> exitFuture() {
        return exit.copy();
    }

    /** The agent's pid, which is also its process group and session id; -1 if not (yet) known. */
    /** Completes with the agent's pid once the watchdog reports it (-1 if it never does). */
    public CompletableFuture<Long> pidFuture() {
        return agentPid.copy();
    }

    public long pid() {
        return agentPid.getNow(-1L);
    }

    /** The watchdog's pid. */
    public long watchdogPid() {
        return watchdog.process().pid();
    }

    /** True until {@link #exitFuture()} completes, i.e. while any process of the agent's session may run. */
    public boolean alive() {
        return !exit.isDone();
    }

    /** The file the agent's output goes to now. */
    public Path logFile() {
        return RotatingLog.file(logDir, 0);
    }

    /** The agent's output into its log (the watchdog's output thread). */
    void pumpOutput() {
        pump.run();
    }

    /** The watchdog process exited with {@code code} (the watchdog's exit thread). */
    void watchdogExited(int code) {
        pipe.close();
        long pid = agentPid.getNow(-1L);
        if (pid > 0) {
            int left = AgentSession.killAll(pid, agentStartTicks, SWEEP_MILLIS);
            if (left > 0 && !killed) {
                // After kill() this is the expected race with the guard; otherwise the watchdog died badly.
                LOG.warn("agent {}: {} process(es) of session {} outlived the watchdog (exit {}); sent SIGKILL",
                        agentId, left, pid, code);
            }
        }
        try {
            pump.drained().get(DRAIN_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn("agent {}: its output is still held open, by a process outside its session", agentId);
        } catch (InterruptedException | ExecutionException e) {
            LOG.debug("agent {}: waiting for its output", agentId, e);
        }
        agentPid.complete(-1L);
        LOG.debug("agent {}: watchdog exited with {}", agentId, code);
        exit.complete(code);
    }

    private static ScheduledExecutorService timer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "agent-process-timer");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }
}
