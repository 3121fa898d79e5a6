package io.agentd.worker;

import io.agentd.client.AgentdClient;
import io.agentd.client.ClientTls;
import io.agentd.config.ConfigBinder;
import io.agentd.config.ConfigException;
import io.agentd.config.Setting;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Settings of {@code agentd worker}, typed, defaulted and checked in one place. {@link #BINDER}
 * binds them from a YAML file, the environment ({@code AGENTD_SLOTS} for {@code slots}) and flags,
 * each overriding the one before; tests and {@code agentd dev} set the fields and call {@link
 * #validate}. Checks throw {@link ConfigException} naming the key. Label names and values are the
 * coordinators' to judge: a registration they refuse ends the worker with their reason.
 */
public final class WorkerConfig implements ConfigBinder.Checked {
    @Setting("the coordinators' API endpoints, URL,...")
    public List<URI> servers = List.of(URI.create("http://127.0.0.1:7420"));
    @Setting("CA certificate(s) (PEM) to trust for https:// servers, instead of the system's")
    public Path tlsCa;
    @Setting("this worker's certificate (PEM), for coordinators that ask for one (mutual TLS); with tls-key")
    public Path tlsCert;
    @Setting("the private key of tls-cert (PEM, unencrypted PKCS#8 or PKCS#1)")
    public Path tlsKey;
    @Setting(value = "this worker's id: 1-128 of A-Z, a-z, 0-9, '.', '_', '-'",
            defaultText = "from the host name and data dir, stable across restarts")
    public String workerId;
    @Setting("the zone this worker is in")
    public String zone = "";
    @Setting(value = "a label this worker offers to agents' constraints, KEY=VALUE", name = "label")
    public Map<String, String> labels = new TreeMap<>();
    @Setting("capacity in slots, 0 to 100000")
    public int slots = 8;
    @Setting("agent logs and the watchdog script")
    public Path dataDir = Path.of("agentd-worker");
    @Setting(value = "where the local API for agents listens, and the address advertised for logs (HOST:PORT)",
            name = "local-api")
    public String address = "127.0.0.1:7422";
    /** How often the lease is renewed; null: from the coordinators' TTL (see {@link LeaseTimings}). */
    @Setting(value = "how often the lease is renewed", defaultText = "a tenth of the coordinators' TTL, at most 1s")
    public Duration heartbeatInterval;
    /** Agents are stopped this long before the lease would run out; null: from the TTL. */
    @Setting(value = "agents stop this long before the lease would run out",
            defaultText = "a tenth of the TTL, 250ms to 1s")
    public Duration fenceMargin;
    /** SIGTERM to SIGKILL when stopping an agent; null: from the TTL. */
    @Setting(value = "SIGTERM to SIGKILL when stopping an agent", defaultText = "a fifth of the TTL, at most 2s")
    public Duration stopGrace;
    @Setting("restarts of an agent within restart-window before it is reported failed, 0 to 1000")
    public int maxRestarts = 5;
    @Setting("see max-restarts")
    public Duration restartWindow = Duration.ofSeconds(60);
    @Setting("an agent's log file is rotated at this size, 4096 to 2^40 bytes")
    public long logMaxBytes = 10L << 20;
    @Setting("rotated log files kept per agent, 1 to 100")
    public int logFiles = 5;
    /** Watchdogs kept started ahead of need, so that an agent's start is a pipe write (0: none). */
    @Setting("watchdogs kept started ahead of need, so that starting an agent is a pipe write, 0 to 64")
    public int spareWatchdogs = 2;
    /** What SIGTERM does: stop the agents here and exit, or drain them to other workers first. */
    @Setting("on SIGTERM, stop the agents here and exit, or first drain them to other workers: stop or drain")
    public OnShutdown onSigterm = OnShutdown.STOP;
    /** How long a drain at shutdown may take before the agents still here are stopped. */
    @Setting("with on-sigterm drain: agents still here after this are stopped")
    public Duration drainTimeout = Duration.ofSeconds(60);
    /** Agents migrating off at once during a drain at shutdown. */
    @Setting("with on-sigterm drain: agents migrating off at once, 1 to 10000")
    public int drainParallel = 4;
    /** The worker token's secret, in a file readable only by the worker's user; null: no token. */
    @Setting(value = "a file holding this worker's token (agentctl token create --role worker --worker-id ID)",
            defaultText = "none: for coordinators that run with insecure: true")
    public Path tokenFile;
    /**
     * A deliberately broken build, for the safety tests only: no self-fencing and no watchdog
     * deadline, so a cut-off worker runs its agents on while they are handed to another.
     */
    @Setting("UNSAFE, for the safety tests only: the worker never fences itself")
    public boolean unsafeNoFencing = false;

    /** The token in {@link #tokenFile}, or null when there is none; throws naming the key when unreadable or empty. */
    public String token() {
        if (tokenFile == null) {
            return null;
        }
        String t;
        try {
            t = java.nio.file.Files.readString(tokenFile).strip();
        } catch (java.io.IOException e) {
            throw new ConfigException("token-file", "token-file: cannot read " + tokenFile + ": " + e.getMessage());
        }
        if (t.isEmpty()) {
            throw new ConfigException("token-file", "token-file: " + tokenFile + " is empty");
        }
        return t;
    }

    /** What the worker does with its agents when told to shut down. */
    public enum OnShutdown { STOP, DRAIN }

    /** Binds the settings of {@code agentd worker}: defaults, file, environment, flags. */
    public static final ConfigBinder<WorkerConfig> BINDER = ConfigBinder.of(WorkerConfig.class, WorkerConfig::new,
                    "AGENTD_")
            .withType(URI.class, "a URL like http://host:port", WorkerConfig::server, URI::toString)
            .withType(OnShutdown.class, "stop or drain", WorkerConfig::onShutdown,
                    o -> o.name().toLowerCase(java.util.Locale.ROOT));

    private static OnShutdown onShutdown(String v) {
        return switch (v) {
            case "stop" -> OnShutdown.STOP;
            case "drain" -> OnShutdown.DRAIN;
            default -> throw new IllegalArgumentException("'" + v + "' must be stop or drain");
        };
    }

    /** A coordinator's endpoint: an http or https URL with host and port, {@code http://} when no scheme is given. */
    static URI server(String text) {
        URI u;
        if (text.contains("://") && !text.startsWith("http://") && !text.startsWith("https://")) {
            throw new IllegalArgumentException("'" + text + "' is not a URL like http://host:port or https://host:port");
        }
        try {
            u = URI.create(text.contains("://") ? text : "http://" + text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not a URL like http://host:port");
        }
        if (u.getHost() == null || u.getPort() <= 0) {
            throw new IllegalArgumentException("'" + text + "' is not a URL like http://host:port");
        }
        return u;
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

    /** A client of the coordinators with these settings' TLS files (none: plain, or the system's CAs for https). */
    public AgentdClient.Builder client() {
        AgentdClient.Builder b = AgentdClient.builder().endpoints(servers);
        if (tlsCa != null || tlsCert != null) {
            b.sslContext(ClientTls.sslContext(tlsCa, tlsCert, tlsKey));
        }
        return b;
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

    /** Checks every value (ConfigException naming the key) and fills in the default id. Returns this. */
    public WorkerConfig validate() {
        check();
        return this;
    }

    @Setting(io.agentd.config.LogSettings.LEVEL_HELP)
    public String logLevel = "info";
    @Setting(io.agentd.config.LogSettings.LEVELS_HELP)
    public Map<String, String> logLevels = new java.util.TreeMap<>();
    @Setting(io.agentd.config.LogSettings.FORMAT_HELP)
    public String logFormat = "auto";

    /** The log settings, checked. */
    public io.agentd.config.LogSettings logSettings() {
        return io.agentd.config.LogSettings.of(logLevel, logLevels, logFormat);
    }

    @Override
    public void check() {
        logSettings();
        if (servers == null || servers.isEmpty()) {
            throw new ConfigException("servers", "servers: no server given");
        }
        if (workerId == null) {
            workerId = defaultId(dataDir);
        }
        if (!workerId.matches("[A-Za-z0-9._-]{1,128}")) {
            throw new ConfigException("worker-id", "worker-id: '" + workerId
                    + "' must be 1-128 of A-Z, a-z, 0-9, '.', '_' and '-'");
        }
        token(); // readable and not empty, or the worker does not start
        try {
            address = hostPort("local-api", address);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("local-api", e.getMessage());
        }
        for (Map.Entry<String, String> l : labels.entrySet()) {
            if (l.getKey().isEmpty() || l.getValue() == null) {
                throw new ConfigException("label", "label: '" + l.getKey() + "' needs a name and a value");
            }
        }
        checkTlsFiles();
        range("slots", slots, 0, 100_000);
        range("max-restarts", maxRestarts, 0, 1000);
        range("log-max-bytes", logMaxBytes, 4096, 1L << 40);
        range("log-files", logFiles, 1, 100);
        range("spare-watchdogs", spareWatchdogs, 0, 64);
        range("drain-parallel", drainParallel, 1, 10_000);
        positive("restart-window", restartWindow);
        positive("drain-timeout", drainTimeout);
        if (heartbeatInterval != null) {
            positive("heartbeat-interval", heartbeatInterval);
        }
        if (fenceMargin != null && fenceMargin.isNegative()) {
            throw new ConfigException("fence-margin", "fence-margin must not be negative");
        }
        if (stopGrace != null && (stopGrace.isNegative() || stopGrace.compareTo(Duration.ofHours(1)) > 0)) {
            throw new ConfigException("stop-grace", "stop-grace must be between 0 and 1h");
        }
    }

    /** The TLS files can be read: each error names its key. */
    private void checkTlsFiles() {
        if ((tlsCert == null) != (tlsKey == null)) {
            String missing = tlsCert == null ? "tls-cert" : "tls-key";
            throw new ConfigException(missing, missing + ": tls-cert and tls-key go together: give both or neither");
        }
        try {
            if (tlsCa != null) {
                ClientTls.sslContext(tlsCa, null, null);
            }
        } catch (IllegalArgumentException e) {
            throw new ConfigException("tls-ca", "tls-ca: " + e.getMessage());
        }
        try {
            if (tlsCert != null) {
                ClientTls.sslContext(null, tlsCert, tlsKey);
            }
        } catch (IllegalArgumentException e) {
            throw new ConfigException("tls-cert", "tls-cert, tls-key: " + e.getMessage());
        }
    }

    private static void range(String key, long n, long min, long max) {
        if (n < min || n > max) {
            throw new ConfigException(key, key + ": " + n + " is not between " + min + " and " + max);
        }
    }

    private static void positive(String key, Duration d) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new ConfigException(key, key + " must be greater than zero");
        }
    }
}
