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
