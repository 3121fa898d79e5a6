package io.agentd.daemon.config;

import io.agentd.client.ApiDurations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * Every setting of {@code agentd server} and {@code agentd dev}: typed, defaulted and
 * validated here, in one place. The same keys are used in the YAML config file and as
 * flags ({@code --http-addr} is {@code http-addr:}); a flag wins over the file.
 */
public final class ServerConfig {
    public String nodeId = "n1";
    public Path dataDir = Path.of("agentd-data");
    public HostPort httpAddr = new HostPort("127.0.0.1", 7420);
    public HostPort raftAddr = new HostPort("127.0.0.1", 7421);
    /** Raft peers id → host:port; empty means "just this node". */
    public Map<String, HostPort> peers = new TreeMap<>();
    /** HTTP address of each peer, for `cluster members` and fast failover; optional. */
    public Map<String, HostPort> peerHttp = new TreeMap<>();
    /**
     * When the leader's process dies (its connection to a follower closes), the most up-to-date
     * follower holds an election at once instead of after the election timeout. Needs peerHttp.
     */
    public boolean fastFailover = true;
    public String clusterName = "agentd";
    public Duration electionTimeoutMin = Duration.ofMillis(1000);
    public Duration electionTimeoutMax = Duration.ofMillis(2000);
    public Duration requestTimeout = Duration.ofSeconds(10);
    public long snapshotThreshold = 10_000;
    /** Log entries kept behind a snapshot, so a briefly lagging follower catches up by log. */
    public long logEntriesPreserved = 50_000;
    /** Size at which a Raft log segment is closed; only closed segments can be purged. */
    public long logSegmentBytes = 8L << 20;
    public int maxBodyBytes = 1 << 20;
    public int maxBatch = 512;
    public int maxInflightBatches = 1;
    public Duration workerTtl = Duration.ofSeconds(10);
    /**
     * A deliberately broken build, for the safety tests only: every read answers from the local
     * replica without confirming leadership, so a partitioned old leader serves stale reads.
     */
    public boolean unsafeStaleReads = false;
    /** Placements elsewhere of a failed agent in one series; 0 makes {@code failed} final at once. */
    public int rescheduleAttempts = 3;
    /** Wait before the first reschedule; each further one in the series waits twice as long (at most 64×). */
    public Duration rescheduleBackoff = Duration.ofSeconds(5);
    /** A failure this long after the last reschedule starts a new series. */
    public Duration rescheduleReset = Duration.ofMinutes(10);

    private static final Map<String, BiConsumer<ServerConfig, String>> KEYS = new LinkedHashMap<>();

    static {
        KEYS.put("node-id", (c, v) -> c.nodeId = nodeId(v));
        KEYS.put("data-dir", (c, v) -> c.dataDir = Path.of(nonEmpty(v)));
        KEYS.put("http-addr", (c, v) -> c.httpAddr = HostPort.parse(v));
        KEYS.put("raft-addr", (c, v) -> c.raftAddr = HostPort.parse(v));
        KEYS.put("peers", (c, v) -> c.peers = idMap(v));
        KEYS.put("peer-http", (c, v) -> c.peerHttp = idMap(v));
        KEYS.put("fast-failover", (c, v) -> c.fastFailover = bool("fast-failover", v));
        KEYS.put("cluster-name", (c, v) -> c.clusterName = nonEmpty(v));
        KEYS.put("election-timeout-min", (c, v) -> c.electionTimeoutMin = positive(ApiDurations.parse(v)));
        KEYS.put("election-timeout-max", (c, v) -> c.electionTimeoutMax = positive(ApiDurations.parse(v)));
        KEYS.put("request-timeout", (c, v) -> c.requestTimeout = positive(ApiDurations.parse(v)));
        KEYS.put("snapshot-threshold", (c, v) -> c.snapshotThreshold = range(v, 10, Long.MAX_VALUE));
        KEYS.put("log-entries-preserved", (c, v) -> c.logEntriesPreserved = range(v, 0, Long.MAX_VALUE));
        KEYS.put("log-segment-bytes", (c, v) -> c.logSegmentBytes = range(v, 4096, 1L << 30));
        KEYS.put("max-body-bytes", (c, v) -> c.maxBodyBytes = (int) range(v, 1024, 64 << 20));
        KEYS.put("max-batch", (c, v) -> c.maxBatch = (int) range(v, 1, 10_000));
        KEYS.put("max-inflight-batches", (c, v) -> c.maxInflightBatches = (int) range(v, 1, 64));
        KEYS.put("worker-ttl", (c, v) -> c.workerTtl = positive(ApiDurations.parse(v)));
        KEYS.put("unsafe-stale-reads", (c, v) -> c.unsafeStaleReads = bool("unsafe-stale-reads", v));
        KEYS.put("reschedule-attempts", (c, v) -> c.rescheduleAttempts = (int) range(v, 0, 1000));
        KEYS.put("reschedule-backoff", (c, v) -> c.rescheduleBackoff = positive(ApiDurations.parse(v)));
        KEYS.put("reschedule-reset", (c, v) -> c.rescheduleReset = positive(ApiDurations.parse(v)));
    }

    private static boolean bool(String key, String v) {
        return switch (v.trim()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("'" + v + "' must be true or false");
        };
    }

    public static Iterable<String> keys() {
        return Collections.unmodifiableSet(KEYS.keySet());
    }

    /** Sets one key from text; throws ConfigException naming key, source and reason. */
    public void set(String key, String value, String source) {
        BiConsumer<ServerConfig, String> setter = KEYS.get(key);
        if (setter == null) {
            throw new ConfigException(source + ": unknown config key '" + key + "' (known: " + String.join(", ", KEYS.keySet()) + ")");
        }
        try {
            setter.accept(this, value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(source + ": " + key + ": " + e.getMessage());
        }
    }

    /** Reads a YAML file of key: value pairs; unknown keys are errors. */
    public void load(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage());
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return;
        }
        if (!root.isObject()) {
            throw new ConfigException(file + ": expected a mapping of key: value");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            String text;
            if (v.isObject()) { // peers: {n1: host:port}
                StringBuilder sb = new StringBuilder();
                v.fields().forEachRemaining(f -> sb.append(sb.length() == 0 ? "" : ",").append(f.getKey()).append('=').append(f.getValue().asText()));
                text = sb.toString();
            } else if (v.isValueNode()) {
                text = v.asText();
            } else {
                throw new ConfigException(file + ": " + e.getKey() + ": expected a value, got " + v.getNodeType().name().toLowerCase());
            }
            set(e.getKey(), text, file.toString());
        }
    }

    /** Cross-key checks, after everything is set. */
    public ServerConfig validate() {
        if (electionTimeoutMax.compareTo(electionTimeoutMin) <= 0) {
            throw new ConfigException("election-timeout-max (" + ApiDurations.format(electionTimeoutMax)
                    + ") must be greater than election-timeout-min (" + ApiDurations.format(electionTimeoutMin) + ")");
        }
        if (!peers.isEmpty() && !peers.containsKey(nodeId)) {
            throw new ConfigException("peers: does not list this node's node-id '" + nodeId + "'");
        }
        if (peers.isEmpty()) {
            peers = new TreeMap<>(Map.of(nodeId, raftAddr));
        } else if (!peers.get(nodeId).equals(raftAddr)) {
            // The peers list is authoritative for where this node's Raft listens.
            raftAddr = peers.get(nodeId);
        }
        return this;
    }

    private static String nonEmpty(String v) {
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("must not be empty");
        }
        return v.trim();
    }

    private static String nodeId(String v) {
        if (v == null || !v.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("'" + v + "' must be 1-64 of A-Z, a-z, 0-9, '.', '_' and '-'");
        }
        return v;
    }

    private static Duration positive(Duration d) {
        if (d.isZero()) {
            throw new IllegalArgumentException("must be greater than zero");
        }
        return d;
    }

    private static long range(String v, long min, long max) {
        long n;
        try {
            n = Long.parseLong(nonEmpty(v));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + v + "' is not a whole number");
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException(n + " is not between " + min + " and " + max);
        }
        return n;
    }

    /** "n1=host:port,n2=host:port" */
    private static Map<String, HostPort> idMap(String v) {
        Map<String, HostPort> out = new TreeMap<>();
        for (String part : nonEmpty(v).split(",")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("'" + part + "' is not ID=HOST:PORT");
            }
            String id = nodeId(part.substring(0, eq).trim());
            if (out.put(id, HostPort.parse(part.substring(eq + 1).trim())) != null) {
                throw new IllegalArgumentException("node id '" + id + "' is listed twice");
            }
        }
        return out;
    }
}
