package io.agentd.daemon.config;

import io.agentd.client.ApiDurations;
import io.agentd.config.ConfigBinder;
import io.agentd.config.ConfigException;
import io.agentd.config.Setting;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every setting of {@code agentd server} and {@code agentd dev}: typed, defaulted and checked
 * here, in one place. The same keys are used in the YAML config file, in the environment
 * ({@code AGENTD_HTTP_ADDR} for {@code http-addr}) and as flags ({@code --http-addr}); a flag wins
 * over the environment, which wins over the file ({@link #bind}).
 */
public final class ServerConfig implements ConfigBinder.Checked {
    @Setting("this node's id in the Raft group: 1-64 of A-Z, a-z, 0-9, '.', '_', '-'")
    public String nodeId = "n1";
    @Setting("where the Raft log, snapshots and the state store live")
    public Path dataDir = Path.of("agentd-data");
    @Setting("where the HTTP API listens (HOST:PORT; port 0 picks a free one)")
    public HostPort httpAddr = new HostPort("127.0.0.1", 7420);
    @Setting("where Raft listens (HOST:PORT); with peers, this node's entry there wins")
    public HostPort raftAddr = new HostPort("127.0.0.1", 7421);
    @Setting("the Raft group, ID=HOST:PORT,...; none: this node alone")
    public Map<String, HostPort> peers = new TreeMap<>();
    @Setting("join a running cluster as a learner: API URLs of some of its servers (comma-separated); read only"
            + " while the data dir is new; excludes peers")
    public List<java.net.URI> join = List.of();
    @Setting("autopilot: the leader removes a voter it has not heard from for autopilot-dead-server-grace,"
            + " while the voters left keep a quorum and number at least autopilot-min-voters")
    public boolean autopilotCleanupDeadServers = false;
    @Setting("how long a voter must be silent before autopilot removes it")
    public Duration autopilotDeadServerGrace = Duration.ofMinutes(5);
    @Setting("autopilot never leaves fewer voters than this")
    public int autopilotMinVoters = 3;
    @Setting("each peer's HTTP API, ID=HOST:PORT,...: cluster members and fast failover")
    public Map<String, HostPort> peerHttp = new TreeMap<>();
    @Setting("when the leader's process dies, the most up-to-date follower is elected at once (needs peer-http)")
    public boolean fastFailover = true;
    @Setting("the cluster's name, shown by cluster status")
    public String clusterName = "agentd";
    @Setting("shortest time without a leader before a follower stands for election")
    public Duration electionTimeoutMin = Duration.ofMillis(1000);
    @Setting("longest such time; must be greater than election-timeout-min")
    public Duration electionTimeoutMax = Duration.ofMillis(2000);
    @Setting("how long a write or read may take before it fails with a timeout")
    public Duration requestTimeout = Duration.ofSeconds(10);
    @Setting("log entries applied between two snapshots (at least 10)")
    public long snapshotThreshold = 10_000;
    @Setting("log entries kept behind a snapshot, so a briefly lagging follower catches up by log")
    public long logEntriesPreserved = 50_000;
    @Setting("size at which a Raft log segment is closed (4096 to 1073741824); only closed segments are purged")
    public long logSegmentBytes = 8L << 20;
    @Setting("largest request body the API accepts, in bytes (1024 to 67108864)")
    public int maxBodyBytes = 1 << 20;
    @Setting("most commands in one log entry (1 to 10000)")
    public int maxBatch = 512;
    @Setting("log entries being replicated at once before new writes wait for the next batch (1 to 64)")
    public int maxInflightBatches = 1;
    @Setting("requests this server holds at once (admitted, not yet answered): writes past three quarters of it"
            + " and reads past all of it are answered 429 with Retry-After (4 to 1000000)")
    public int maxInflightRequests = 4096;
    @Setting("commands waiting on this server for the next log entry; writes past it are answered 429 with"
            + " Retry-After (1 to 1000000; below max-batch, entries cannot fill)")
    public int maxQueuedProposals = 512;
    @Setting("how long, on average, admitted writes wait on this server: while it holds more writes than it"
            + " answers in this time and none answered lately took less, writes are answered 429 with Retry-After"
            + " (0s: off, only the count bounds apply)")
    public Duration writeDelayTarget = Duration.ofMillis(100);
    @Setting("free space every server keeps on its data dir's file system, a size (256MiB) or a share (5%): while"
            + " any server has less, the cluster refuses writes with 507 (reads and deletes go on); 0: off")
    public FreeSpace minFreeDisk = FreeSpace.ofBytes(256L << 20);
    @Setting("how often each server measures its free space and asks the other servers for theirs")
    public Duration diskCheckInterval = Duration.ofSeconds(2);
    @Setting("requests per token and role on each server, ROLE=RATE,... (admin, operator, worker, reader; a rate"
            + " like 200/s, 3000/m or off): past it, 429 with Retry-After; a role not named has no cap")
    public Map<String, RequestRate> tokenRateLimit = new TreeMap<>();
    @Setting("how many requests a token may send at once above its rate, as time at that rate (1s: one second's"
            + " worth)")
    public Duration tokenRateBurst = Duration.ofSeconds(1);
    @Setting("a worker not heard from for this long is down and its agents move elsewhere")
    public Duration workerTtl = Duration.ofSeconds(10);
    @Setting("this server's certificate chain (PEM): the API and Raft then use TLS; with tls-key and tls-ca")
    public Path tlsCert;
    @Setting("the private key of tls-cert (PEM, unencrypted: PKCS#8, PKCS#1 or SEC1)")
    public Path tlsKey;
    @Setting("the CA (PEM) of the servers' certificates: Raft peers and fast failover check one another with it")
    public Path tlsCa;
    @Setting("a CA (PEM): API clients must show a certificate it signed (mutual TLS); none: no client certificate")
    public Path tlsClientCa;
    @Setting("the TLS implementation: auto (OpenSSL where it loads, else the JDK's), openssl or jdk")
    public TlsProvider tlsProvider = TlsProvider.AUTO;
    /**
     * Runs without authentication and, on a non-loopback address, without TLS. Off by default:
     * a server then requires a token on every request and TLS wherever it listens beyond loopback.
     */
    @Setting("INSECURE: no authentication, and plain HTTP even beyond loopback; for trusted hosts and tests only")
    public boolean insecure = false;
    @Setting(value = "a file holding the first admin token's secret (the same file on every server); the leader"
            + " makes it once, when the cluster has no token", defaultText = "none: the first leader makes a secret"
            + " and writes it to DATA-DIR/bootstrap-token (mode 0600)")
    public Path bootstrapTokenFile = null;
    @Setting(value = "a file holding a secret every server shares, which they show each other for fast failover"
            + " (at least 32 characters)", defaultText = "derived from bootstrap-token-file when that is given;"
            + " else fast failover is off (unless insecure)")
    public Path clusterSecretFile = null;
    @Setting("whether /metrics needs a token (any role); off: open, like the health checks")
    public boolean metricsRequireToken = false;
    /** A deliberately broken build, for the safety tests only: reads skip the leadership check. */
    @Setting("UNSAFE, for the safety tests only: reads answer without confirming leadership")
    public boolean unsafeStaleReads = false;
    @Setting("placements elsewhere of a failed agent in one series, 0 to 1000; 0 makes failed final at once")
    public int rescheduleAttempts = 3;
    @Setting("wait before the first reschedule; each further one in the series waits twice as long (at most 64x)")
    public Duration rescheduleBackoff = Duration.ofSeconds(5);
    @Setting("a failure this long after the last reschedule starts a new series")
    public Duration rescheduleReset = Duration.ofMinutes(10);

    /** The defaults of {@code agentd server}. */
    public static final ConfigBinder<ServerConfig> SERVER = binder(ServerConfig::new);
    /** The defaults of {@code agentd dev}: quick elections and a short worker TTL on one machine. */
    public static final ConfigBinder<ServerConfig> DEV = binder(ServerConfig::devDefaults);

    private static ConfigBinder<ServerConfig> binder(java.util.function.Supplier<ServerConfig> defaults) {
        return ConfigBinder.of(ServerConfig.class, defaults, "AGENTD_")
                .withType(HostPort.class, "HOST:PORT", HostPort::parse, HostPort::toString)
                .withType(TlsProvider.class, "auto, openssl or jdk", TlsProvider::parse, TlsProvider::toString)
                .withType(FreeSpace.class, "a size such as 256MiB, or a percentage such as 5%", FreeSpace::parse,
                        FreeSpace::toString)
                .withType(RequestRate.class, "a rate such as 200/s, 3000/m or 50000/h, or off", RequestRate::parse,
                        RequestRate::toString);
    }

    private static ServerConfig devDefaults() {
        ServerConfig c = new ServerConfig();
        c.electionTimeoutMin = Duration.ofMillis(150);
        c.electionTimeoutMax = Duration.ofMillis(300);
        c.workerTtl = Duration.ofSeconds(5);
        c.insecure = true; // on loopback only: DevCommand refuses any other address
        return c;
    }

    /** A secret file that is readable and long enough, or a ConfigException naming the key. */
    private static void secretFile(String key, Path file, String what) {
        if (file != null) {
            try {
                SecretFile.read(file, what);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(key, key + ": " + e.getMessage());
            }
        }
    }

    /** Checks every value and the keys that must agree; completes peers. Returns this. */
    public ServerConfig validate() {
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
        nodeId("node-id", nodeId);
        nonEmpty("cluster-name", clusterName);
        positive("election-timeout-min", electionTimeoutMin);
        positive("election-timeout-max", electionTimeoutMax);
        positive("request-timeout", requestTimeout);
        positive("worker-ttl", workerTtl);
        positive("reschedule-backoff", rescheduleBackoff);
        positive("reschedule-reset", rescheduleReset);
        range("snapshot-threshold", snapshotThreshold, 10, Long.MAX_VALUE);
        range("log-entries-preserved", logEntriesPreserved, 0, Long.MAX_VALUE);
        range("log-segment-bytes", logSegmentBytes, 4096, 1L << 30);
        range("max-body-bytes", maxBodyBytes, 1024, 64 << 20);
        range("max-batch", maxBatch, 1, 10_000);
        range("max-inflight-batches", maxInflightBatches, 1, 64);
        range("reschedule-attempts", rescheduleAttempts, 0, 1000);
        range("max-inflight-requests", maxInflightRequests, 4, 1_000_000);
        range("max-queued-proposals", maxQueuedProposals, 1, 1_000_000);
        positive("disk-check-interval", diskCheckInterval);
        if (writeDelayTarget.isNegative()) {
            throw new ConfigException("write-delay-target", "write-delay-target: must not be negative (0s: off)");
        }
        positive("token-rate-burst", tokenRateBurst);
        for (String role : tokenRateLimit.keySet()) {
            if (!List.of("admin", "operator", "worker", "reader").contains(role)) {
                throw new ConfigException("token-rate-limit", "token-rate-limit: '" + role + "' is not a role (admin,"
                        + " operator, worker, reader)");
            }
        }
        positive("autopilot-dead-server-grace", autopilotDeadServerGrace);
        range("autopilot-min-voters", autopilotMinVoters, 1, 99);
        secretFile("bootstrap-token-file", bootstrapTokenFile, "bootstrap token");
        secretFile("cluster-secret-file", clusterSecretFile, "cluster secret");
        peers.keySet().forEach(id -> nodeId("peers", id));
        peerHttp.keySet().forEach(id -> nodeId("peer-http", id));
        if (electionTimeoutMax.compareTo(electionTimeoutMin) <= 0) {
            throw new ConfigException("election-timeout-max", "election-timeout-max ("
                    + ApiDurations.format(electionTimeoutMax) + ") must be greater than election-timeout-min ("
                    + ApiDurations.format(electionTimeoutMin) + ")");
        }
        checkTlsFiles();
        if (!join.isEmpty() && !peers.isEmpty()) {
            throw new ConfigException("join", "join: a joining server learns the members from the cluster; give"
                    + " join or peers, not both");
        }
        if (!peers.isEmpty() && !peers.containsKey(nodeId)) {
            throw new ConfigException("peers", "peers: does not list this node's node-id '" + nodeId + "'");
        }
        if (peers.isEmpty()) {
            peers = new TreeMap<>(Map.of(nodeId, raftAddr));
        } else if (!peers.get(nodeId).equals(raftAddr)) {
            // The peers list is authoritative for where this node's Raft listens.
            raftAddr = peers.get(nodeId);
        }
    }

    /** Whether the API and Raft use TLS. */
    public boolean tls() {
        return tlsCert != null;
    }

    /** The TLS files go together: a certificate needs its key and the servers' CA. */
    private void checkTlsFiles() {
        if (tlsCert == null) {
            for (Object[] k : new Object[][]{{"tls-key", tlsKey}, {"tls-ca", tlsCa}, {"tls-client-ca", tlsClientCa}}) {
                if (k[1] != null) {
                    throw new ConfigException((String) k[0], k[0] + " is set, tls-cert is not: TLS needs this server's"
                            + " certificate (tls-cert) too");
                }
            }
            return;
        }
        if (tlsKey == null) {
            throw new ConfigException("tls-key", "tls-key: tls-cert is set, its private key is not");
        }
        if (tlsCa == null) {
            throw new ConfigException("tls-ca", "tls-ca: with tls-cert, the CA that signed the servers' certificates"
                    + " is needed too: Raft peers and fast failover check one another with it (mutual TLS)");
        }
    }

    /**
     * Refuses (ConfigException naming the key) an address this server would listen on beyond
     * loopback without TLS, unless {@code insecure} is set: anyone who reaches such an address
     * could read and change the cluster, and see its traffic. {@code agentd server} calls this.
     */
    public void requireTlsBeyondLoopback() {
        if (tls() || insecure) {
            return;
        }
        for (Map.Entry<String, HostPort> listen : Map.of("http-addr", httpAddr, "raft-addr", raftAddr).entrySet()
                .stream().sorted(Map.Entry.comparingByKey()).toList()) {
            String host = listen.getValue().host();
            String why = loopback(host);
            if (why != null) {
                throw new ConfigException(listen.getKey(), "refusing to listen on " + listen.getValue() + " ("
                        + listen.getKey() + ") without TLS: " + why + ", and anyone who reaches it could read and"
                        + " change the cluster and see its traffic. Set tls-cert, tls-key and tls-ca (agentd tls init"
                        + " makes them), listen on loopback, or set insecure: true on a network where every host is"
                        + " trusted");
            }
        }
    }

    /** Null when {@code host} is a loopback address, else why it is not one. */
    private static String loopback(String host) {
        try {
            java.net.InetAddress a = java.net.InetAddress.getByName(host);
            return a.isLoopbackAddress() ? null : a.isAnyLocalAddress() ? host + " is every address of this host"
                    : host + " is not a loopback address";
        } catch (java.net.UnknownHostException e) {
            return host + " is not a known host, so not known to be loopback";
        }
    }

    private static void nonEmpty(String key, String v) {
        if (v == null || v.isBlank()) {
            throw new ConfigException(key, key + " must not be empty");
        }
    }

    private static void nodeId(String key, String v) {
        if (v == null || !v.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new ConfigException(key, key + ": '" + v + "' must be 1-64 of A-Z, a-z, 0-9, '.', '_' and '-'");
        }
    }

    private static void positive(String key, Duration d) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new ConfigException(key, key + " must be greater than zero");
        }
    }

    private static void range(String key, long n, long min, long max) {
        if (n < min || n > max) {
            throw new ConfigException(key, key + ": " + n + " is not between " + min + " and " + max);
        }
    }
}
