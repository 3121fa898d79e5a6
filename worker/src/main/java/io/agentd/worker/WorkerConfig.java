package io.agentd.worker;

import io.agentd.client.ApiDurations;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Settings of {@code agentd worker}, typed and validated in one place. Values given as text
 * ({@link #set}: flags, a config file) are checked here; a bad one is an
 * {@link IllegalArgumentException} whose message names the key. Reading a file is the daemon's
 * job (it owns the file formats).
 */
public final class WorkerConfig {
    public List<URI> servers = List.of(URI.create("http://127.0.0.1:7420"));
    public String workerId;
    public String zone = "";
    public Map<String, String> labels = new TreeMap<>();
    public int slots = 8;
    public Path dataDir = Path.of("agentd-worker");
    public String address = "127.0.0.1:7422";
    /** How often the lease is renewed; null: from the coordinators' TTL (see {@link LeaseTimings}). */
    public Duration heartbeatInterval;
    /** Agents are stopped this long before the lease would run out; null: from the TTL. */
    public Duration fenceMargin;
    /** SIGTERM to SIGKILL when stopping an agent; null: from the TTL. */
    public Duration stopGrace;
    public int maxRestarts = 5;
    public Duration restartWindow = Duration.ofSeconds(60);
    public long logMaxBytes = 10L << 20;
    public int logFiles = 5;
    /** Watchdogs kept started ahead of need, so that an agent's start is a pipe write (0: none). */
    public int spareWatchdogs = 2;
    /** What SIGTERM does: stop the agents here and exit, or drain them to other workers first. */
    public OnShutdown onSigterm = OnShutdown.STOP;
    /** How long a drain at shutdown may take before the agents still here are stopped. */
    public Duration drainTimeout = Duration.ofSeconds(60);
    /** Agents migrating off at once during a drain at shutdown. */
    public int drainParallel = 4;
    /**
     * A deliberately broken build, for the safety tests only: no self-fencing and no watchdog
     * deadline, so a cut-off worker runs its agents on while they are handed to another.
     */
    public boolean unsafeNoFencing = false;

    /** What the worker does with its agents when told to shut down. */
    public enum OnShutdown { STOP, DRAIN }

    private static final Map<String, java.util.function.BiConsumer<WorkerConfig, String>> KEYS =
            new java.util.LinkedHashMap<>();

    static {
        KEYS.put("servers", (c, v) -> c.servers = servers(v));
        KEYS.put("worker-id", (c, v) -> c.workerId = v);
        KEYS.put("zone", (c, v) -> c.zone = v);
        KEYS.put("label", (c, v) -> c.labels = labels(v));
        KEYS.put("slots", (c, v) -> c.slots = (int) number("slots", v, 0, 100_000));
        KEYS.put("data-dir", (c, v) -> c.dataDir = Path.of(v));
        KEYS.put("local-api", (c, v) -> c.address = hostPort("local-api", v));
        KEYS.put("heartbeat-interval", (c, v) -> c.heartbeatInterval = duration("heartbeat-interval", v));
        KEYS.put("stop-grace", (c, v) -> c.stopGrace = duration("stop-grace", v));
        KEYS.put("fence-margin", (c, v) -> c.fenceMargin = duration("fence-margin", v));
        KEYS.put("max-restarts", (c, v) -> c.maxRestarts = (int) number("max-restarts", v, 0, 1000));
        KEYS.put("restart-window", (c, v) -> c.restartWindow = duration("restart-window", v));
        KEYS.put("log-max-bytes", (c, v) -> c.logMaxBytes = number("log-max-bytes", v, 4096, 1L << 40));
        KEYS.put("log-files", (c, v) -> c.logFiles = (int) number("log-files", v, 1, 100));
        KEYS.put("spare-watchdogs", (c, v) -> c.spareWatchdogs = (int) number("spare-watchdogs", v, 0, 64));
        KEYS.put("on-sigterm", (c, v) -> c.onSigterm = onShutdown(v));
        KEYS.put("drain-timeout", (c, v) -> c.drainTimeout = duration("drain-timeout", v));
        KEYS.put("unsafe-no-fencing", (c, v) -> c.unsafeNoFencing = switch (v.trim()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("unsafe-no-fencing: '" + v + "' must be true or false");
        });
        KEYS.put("drain-parallel", (c, v) -> c.drainParallel = (int) number("drain-parallel", v, 1, 10_000));
    }

    /** The keys a config file (and the matching {@code --key} flags) may set. */
    public static Iterable<String> keys() {
        return java.util.Collections.unmodifiableSet(KEYS.keySet());
    }

    /** Sets one key from text; errors name the key and where the value came from. */
    public void set(String key, String value, String source) {
        java.util.function.BiConsumer<WorkerConfig, String> setter = KEYS.get(key);
        if (setter == null) {
            throw new IllegalArgumentException(source + ": unknown worker config key '" + key + "' (known: "
                    + String.join(", ", KEYS.keySet()) + ")");
        }
        try {
            setter.accept(this, value);
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            throw new IllegalArgumentException(source + ": " + (m.startsWith(key + ":") ? m : key + ": " + m), e);
        }
    }

    private static long number(String key, String v, long min, long max) {
        long n;
        try {
            n = Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": '" + v + "' is not a whole number");
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException(key + ": " + n + " is not between " + min + " and " + max);
        }
        return n;
    }

    private static OnShutdown onShutdown(String v) {
        return switch (v.trim()) {
            case "stop" -> OnShutdown.STOP;
            case "drain" -> OnShutdown.DRAIN;
            default -> throw new IllegalArgumentException("on-sigterm: '" + v + "' must be stop or drain");
        };
    }

    /** {@code k=v,k2=v2} into a sorted map. */
    static Map<String, String> labels(String csv) {
        Map<String, String> out = new TreeMap<>();
        for (String part : csv.split(",")) {
            String t = part.trim();
            if (t.isEmpty()) {
                continue;
            }
            int eq = t.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("label: '" + t + "' is not k=v");
            }
            out.put(t.substring(0, eq), t.substring(eq + 1));
        }
        return out;
    }

    public static List<URI> servers(String csv) {
        List<URI> out = new ArrayList<>();
        for (String s : csv.split(",")) {
            String t = s.trim();
            if (t.isEmpty()) {
                continue;
            }
            URI u = URI.create(t.contains("://") ? t : "http://" + t);
            if (u.getHost() == null || u.getPort() <= 0) {
                throw new IllegalArgumentException("servers: '" + t + "' is not a URL like http://host:port");
            }
            out.add(u);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("servers: no server given");
        }
        return out;
    }

    public static Duration duration(String flag, String text) {
        try {
            return ApiDurations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(flag + ": " + e.getMessage());
        }
    }

    /** HOST:PORT (an IPv6 host in brackets) in the form it is advertised in. */
    static String hostPort(String key, String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException(key + ": '" + text + "' is not HOST:PORT");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": '" + text + "' has no numeric port");
        }
        if (host.isBlank() || port < 0 || port > 65535) {
            throw new IllegalArgumentException(key + ": '" + text + "' is not HOST:PORT with a port of 0-65535");
        }
        return join(host, port);
    }

    /** host:port, with an IPv6 host in brackets. */
    static String join(String host, int port) {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /** The host of a HOST:PORT made by {@link #hostPort}. */
    static String host(String hostPort) {
        String host = hostPort.substring(0, hostPort.lastIndexOf(':'));
        return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    }

    /** The port of a HOST:PORT made by {@link #hostPort}. */
    static int port(String hostPort) {
        return Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
    }

    /** The default id: stable across restarts, from the host name and the data dir. */
    public static String defaultId(Path dataDir) {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "worker";
        }
        String clean = host.replaceAll("[^A-Za-z0-9._-]", "-");
        int hash = dataDir.toAbsolutePath().normalize().toString().hashCode();
        return (clean.length() > 100 ? clean.substring(0, 100) : clean) + "-" + Integer.toHexString(hash);
    }

    public WorkerConfig validate() {
        if (workerId == null) {
            workerId = defaultId(dataDir);
        }
        if (!workerId.matches("[A-Za-z0-9._-]{1,128}")) {
            throw new IllegalArgumentException("--worker-id: '" + workerId + "' must be 1-128 of A-Z, a-z, 0-9, '.', '_' and '-'");
        }
        if (slots < 0) {
            throw new IllegalArgumentException("--slots: must be >= 0");
        }
        if (heartbeatInterval != null && (heartbeatInterval.isZero() || heartbeatInterval.isNegative())) {
            throw new IllegalArgumentException("--heartbeat-interval: must be positive");
        }
        if (fenceMargin != null && fenceMargin.isNegative()) {
            throw new IllegalArgumentException("--fence-margin: must not be negative");
        }
        if (stopGrace != null && (stopGrace.isNegative() || stopGrace.compareTo(Duration.ofHours(1)) > 0)) {
            throw new IllegalArgumentException("--stop-grace: must be between 0 and 1h");
        }
        return this;
    }
}
