package io.agentd.worker.process;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything needed to start one agent under its watchdog.
 *
 * @param agentId        names the agent in thread names and log lines
 * @param command        the program; a name without a slash is looked up on {@code PATH} of {@code env}
 *                       (or bash's default path when {@code env} has none)
 * @param args           its arguments
 * @param env            the agent's whole environment: nothing is inherited from the worker or its watchdog
 *                       (a shell agent adds what any shell adds, such as {@code PWD})
 * @param workingDir     the agent's working directory, or null for the worker's
 * @param logDir         where {@code agent.log} and its rotated predecessors go (created if missing); one
 *                       running agent per directory, or their rotations get in each other's way
 * @param logMaxBytes    size at which {@code agent.log} is rotated; no log file grows beyond it
 * @param logFiles       how many log files to keep, {@code agent.log} included
 * @param initialLease   how long the agent may run before the first {@link AgentProcess#extendLease}
 * @param killGrace      SIGTERM to SIGKILL when the lease runs out; the agent is dead at the latest
 *                       {@code killGrace} (plus ~100 ms) after the deadline, so the worker should send
 *                       deadlines that end that much before its lease does
 * @param watchdogScript the installed script, see {@link WatchdogScript#install}
 */
public record AgentLaunch(String agentId, String command, List<String> args, Map<String, String> env,
        Path workingDir, Path logDir, long logMaxBytes, int logFiles, Duration initialLease, Duration killGrace,
        Path watchdogScript) {

    public static final long MIN_LOG_BYTES = 1024;
    public static final int MAX_LOG_FILES = 1000;
    private static final Duration MAX_GRACE = Duration.ofHours(1);

    public AgentLaunch {
        if (agentId == null || agentId.isBlank() || agentId.length() > 256 || agentId.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("agentId must be 1-256 printable characters");
        }
        if (command == null || command.isBlank() || command.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("command must not be empty or contain NUL");
        }
        if (args == null) {
            throw new IllegalArgumentException("args must not be null");
        }
        args = List.copyOf(args);
        if (args.stream().anyMatch(a -> a.indexOf('\0') >= 0)) {
            throw new IllegalArgumentException("args must not contain NUL");
        }
        if (env == null) {
            throw new IllegalArgumentException("env must not be null");
        }
        TreeMap<String, String> sorted = new TreeMap<>();
        env.forEach((k, v) -> {
            if (k == null || k.isEmpty() || k.indexOf('=') >= 0 || k.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("env name '" + k + "' must be non-empty without '=' or NUL");
            }
            if (v == null || v.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("env " + k + " must have a value without NUL");
            }
            sorted.put(k, v);
        });
        env = Collections.unmodifiableMap(sorted);
        if (logDir == null) {
            throw new IllegalArgumentException("logDir must not be null");
        }
        if (logMaxBytes < MIN_LOG_BYTES) {
            throw new IllegalArgumentException("logMaxBytes must be at least " + MIN_LOG_BYTES + ", not " + logMaxBytes);
        }
        if (logFiles < 1 || logFiles > MAX_LOG_FILES) {
            throw new IllegalArgumentException("logFiles must be 1-" + MAX_LOG_FILES + ", not " + logFiles);
        }
        if (initialLease == null || initialLease.isNegative() || initialLease.isZero()) {
            throw new IllegalArgumentException("initialLease must be positive");
        }
        if (killGrace == null || killGrace.isNegative() || killGrace.compareTo(MAX_GRACE) > 0) {
            throw new IllegalArgumentException("killGrace must be 0-" + MAX_GRACE);
        }
        if (watchdogScript == null) {
            throw new IllegalArgumentException("watchdogScript must not be null");
        }
    }

    /**
     * The launch record a {@code --spare} watchdog reads from its stdin (the script's header
     * documents it): NUL-terminated fields, UTF-8. Nothing here can contain NUL (the constructor
     * makes sure), so no field can end early.
     *
     * @param deadlineBootMillis the first lease deadline, on the {@link BootClock}
     */
    byte[] record(long deadlineBootMillis) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(256);
        java.util.function.Consumer<String> field = f -> {
            byte[] b = f.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            out.write(b, 0, b.length);
            out.write(0);
        };
        field.accept("agentd-launch-1");
        field.accept("@" + deadlineBootMillis);
        field.accept(Long.toString(killGrace.toMillis()));
        field.accept(workingDir == null ? "" : workingDir.toAbsolutePath().toString());
        field.accept(Integer.toString(env.size()));
        env.forEach((k, v) -> field.accept(k + "=" + v));
        field.accept(Integer.toString(args.size() + 1));
        field.accept(command);
        args.forEach(field);
        return out.toByteArray();
    }
}
