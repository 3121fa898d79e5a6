package io.agentd.daemon.worker;

import io.agentd.client.ApiDurations;
import io.agentd.daemon.config.ConfigException;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Settings of {@code agentd worker}, typed and validated in one place; errors name the flag. */
public final class WorkerConfig {
    public List<URI> servers = List.of(URI.create("http://127.0.0.1:7420"));
    public String workerId;
    public String zone = "";
    public Map<String, String> labels = new TreeMap<>();
    public int slots = 8;
    public Path dataDir = Path.of("agentd-worker");
    public String address = "127.0.0.1:7422";
    public Duration heartbeatInterval = Duration.ofSeconds(1);
    /** Agents are stopped this long before the lease would run out. */
    public Duration fenceMargin = Duration.ofSeconds(1);
    /** SIGTERM to SIGKILL when stopping an agent. */
    public Duration stopGrace = Duration.ofSeconds(2);
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
        KEYS.put("local-api", (c, v) -> c.address = io.agentd.daemon.config.HostPort.parse(v).toString());
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
            default -> throw new ConfigException("unsafe-no-fencing: '" + v + "' must be true or false");
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
            throw new ConfigException(source + ": unknown worker config key '" + key + "' (known: "
                    + String.join(", ", KEYS.keySet()) + ")");
        }
        try {
            setter.accept(this, value);
        } catch (ConfigException e) {
            throw new ConfigException(source + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(source + ": " + key + ": " + e.getMessage());
        }
    }

    /**
     * Reads a YAML file of {@code key: value} pairs (the flag names without dashes); {@code label}
     * may be a mapping, {@code servers} a list. Unknown keys are errors.
     */
    public void load(Path file) {
        com.fasterxml.jackson.databind.JsonNode root;
        try {
            root = new com.fasterxml.jackson.databind.ObjectMapper(
                    new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readTree(java.nio.file.Files.readString(file));
        } catch (java.io.IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage());
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return;
        }
        if (!root.isObject()) {
            throw new ConfigException(file + ": expected a mapping of key: value");
        }
        for (var it = root.fields(); it.hasNext(); ) {
            var e = it.next();
            var v = e.getValue();
            String text;
            if (v.isObject()) {
                StringBuilder sb = new StringBuilder();
                v.fields().forEachRemaining(f -> sb.append(sb.length() == 0 ? "" : ",").append(f.getKey()).append('=')
                        .append(f.getValue().asText()));
                text = sb.toString();
            } else if (v.isArray()) {
                StringBuilder sb = new StringBuilder();
                v.forEach(x -> sb.append(sb.length() == 0 ? "" : ",").append(x.asText()));
                text = sb.toString();
            } else if (v.isValueNode() && !v.isNull()) {
                text = v.asText();
            } else {
                throw new ConfigException(file + ": " + e.getKey() + ": expected a value");
            }
            set(e.getKey(), text, file.toString());
        }
    }

    private static long number(String key, String v, long min, long max) {
        long n;
        try {
            n = Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(key + ": '" + v + "' is not a whole number");
        }
        if (n < min || n > max) {
            throw new ConfigException(key + ": " + n + " is not between " + min + " and " + max);
        }
        return n;
    }

    private static OnShutdown onShutdown(String v) {
        return switch (v.trim()) {
            case "stop" -> OnShutdown.STOP;
            case "drain" -> OnShutdown.DRAIN;
            default -> throw new ConfigException("on-sigterm: '" + v + "' must be stop or drain");
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
                throw new ConfigException("label: '" + t + "' is not k=v");
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
                throw new ConfigException("--servers: '" + t + "' is not a URL like http://host:port");
            }
            out.add(u);
        }
        if (out.isEmpty()) {
            throw new ConfigException("--servers: no server given");
        }
        return out;
    }

    public static Duration duration(String flag, String text) {
        try {
            return ApiDurations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(flag + ": " + e.getMessage());
        }
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
            throw new ConfigException("--worker-id: '" + workerId + "' must be 1-128 of A-Z, a-z, 0-9, '.', '_' and '-'");
        }
        if (slots < 0) {
            throw new ConfigException("--slots: must be >= 0");
        }
        if (heartbeatInterval.isZero() || heartbeatInterval.isNegative()) {
            throw new ConfigException("--heartbeat-interval: must be positive");
        }
        return this;
    }
}
