package io.agentd.daemon.raft;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Everything {@link RaftNode} needs to join its group. Validated on construction; every error
 * names the field. Use {@link #builder} for the defaults.
 *
 * @param nodeId             this peer's id, unique in the group
 * @param raftAddress        host:port this peer's Raft (gRPC) server listens on and others reach it at
 * @param peers              every voting member, id → host:port, this node included (static
 *                           bootstrap, like etcd's initial cluster); only read when the storage is new,
 *                           later the membership comes from the log
 * @param storageDir         Ratis' own directory (log, metadata, snapshots); the group lives in a
 *                           sub-directory named after the group id
 * @param clusterName        the group id is derived from it, so nodes of another cluster are refused
 * @param electionTimeoutMin lower bound of the randomized election timeout; heartbeats go out at half of it
 * @param electionTimeoutMax upper bound of the randomized election timeout
 * @param requestTimeout     how long {@link RaftNode#submit} and {@link RaftNode#readBarrier} may take
 *                           before they fail with {@link RaftTimeoutException}; must exceed
 *                           electionTimeoutMax so one failover fits in it
 * @param snapshotThreshold  applied entries between two automatic snapshots
 * @param snapshotsRetained  snapshots kept on disk (older ones are deleted after a new one is taken)
 * @param snapshotGracePeriod a replaced snapshot is kept at least this long, whatever snapshotsRetained says:
 *                           Ratis reads a snapshot's files while it sends them to a follower and knows
 *                           nothing of their deletion, so deleting them fails the transfer, which then
 *                           starts over with the newest snapshot (and can fail the same way forever)
 * @param logEntriesPreserved log entries kept behind each snapshot when the log is purged. A follower
 *                           that received a snapshot continues from the log only if the leader still has
 *                           the entries after it; this must exceed the entries committed while a snapshot
 *                           is being sent, or a lagging follower is sent snapshot after snapshot
 * @param logSegmentBytes    size at which a log segment file is closed; only closed segments are purged
 * @param maxPendingRequests writes in flight from this node (beyond that submit fails at once)
 * @param tls                mutual TLS between the peers, or null for plain gRPC
 * @param peerHttp           the members' API addresses (host:port) where known; kept in the group's
 *                           configuration with each member (Ratis' data-stream address of a peer,
 *                           a field agentd does not otherwise use), so members added later are known
 * @param joining            this node starts as a non-voting learner of an existing group (only read
 *                           when the storage is new): the leader adds it, and promotes it once caught up
 */
public record RaftNodeConfig(
        String nodeId,
        String raftAddress,
        SortedMap<String, String> peers,
        Path storageDir,
        String clusterName,
        Duration electionTimeoutMin,
        Duration electionTimeoutMax,
        Duration requestTimeout,
        long snapshotThreshold,
        int snapshotsRetained,
        Duration snapshotGracePeriod,
        long logEntriesPreserved,
        long logSegmentBytes,
        int maxPendingRequests,
        PeerTls tls,
        SortedMap<String, String> peerHttp,
        boolean joining) {

    public static final String DEFAULT_CLUSTER_NAME = "agentd";
    public static final Duration DEFAULT_ELECTION_TIMEOUT_MIN = Duration.ofSeconds(1);
    public static final Duration DEFAULT_ELECTION_TIMEOUT_MAX = Duration.ofSeconds(2);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    public static final long DEFAULT_SNAPSHOT_THRESHOLD = 10_000;
    public static final int DEFAULT_SNAPSHOTS_RETAINED = 2;
    public static final Duration DEFAULT_SNAPSHOT_GRACE_PERIOD = Duration.ofMinutes(10);
    public static final long DEFAULT_LOG_ENTRIES_PRESERVED = 50_000;
    public static final long DEFAULT_LOG_SEGMENT_BYTES = 8L << 20;
    public static final int DEFAULT_MAX_PENDING_REQUESTS = 1024;

    /** Ratis peer ids travel in protobufs and file names; keep them plain. */
    private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    public RaftNodeConfig {
        require(nodeId != null && NODE_ID.matcher(nodeId).matches(),
                "nodeId", "must match " + NODE_ID.pattern() + ", got '" + nodeId + "'");
        checkAddress("raftAddress", raftAddress);
        require(peers != null && !peers.isEmpty(), "peers", "must list at least this node");
        TreeMap<String, String> copy = new TreeMap<>();
        peers.forEach((id, address) -> {
            require(id != null && NODE_ID.matcher(id).matches(),
                    "peers", "id must match " + NODE_ID.pattern() + ", got '" + id + "'");
            checkAddress("peers[" + id + "]", address);
            copy.put(id, address);
        });
        require(raftAddress.equals(copy.get(nodeId)), "peers",
                "must map nodeId '" + nodeId + "' to raftAddress " + raftAddress + ", got " + copy.get(nodeId));
        peers = Collections.unmodifiableSortedMap(copy);
        require(storageDir != null, "storageDir", "is required (Ratis would default to /tmp)");
        storageDir = storageDir.toAbsolutePath().normalize();
        require(clusterName != null && !clusterName.isBlank(), "clusterName", "must not be blank");
        require(positive(electionTimeoutMin), "electionTimeoutMin", "must be positive");
        require(positive(electionTimeoutMax) && electionTimeoutMax.compareTo(electionTimeoutMin) > 0,
                "electionTimeoutMax", "must be greater than electionTimeoutMin (" + electionTimeoutMin + ")");
        require(positive(requestTimeout) && requestTimeout.compareTo(electionTimeoutMax) > 0,
                "requestTimeout", "must be greater than electionTimeoutMax (" + electionTimeoutMax + ")");
        require(snapshotThreshold >= 1, "snapshotThreshold", "must be at least 1");
        require(snapshotsRetained >= 1, "snapshotsRetained", "must be at least 1");
        require(snapshotGracePeriod != null && !snapshotGracePeriod.isNegative(),
                "snapshotGracePeriod", "must be zero or positive");
        require(logEntriesPreserved >= 0, "logEntriesPreserved", "must be zero or positive");
        require(logSegmentBytes >= 4096, "logSegmentBytes", "must be at least 4096");
        require(maxPendingRequests >= 1, "maxPendingRequests", "must be at least 1");
        peerHttp = Collections.unmodifiableSortedMap(new TreeMap<>(peerHttp == null ? Map.of() : peerHttp));
    }

    /** A builder with the defaults above and this node as the only peer. */
    public static Builder builder(String nodeId, String raftAddress, Path storageDir) {
        return new Builder(nodeId, raftAddress, storageDir);
    }

    /** The Raft group id: a name-based UUID of the cluster name, the same on every node. */
    public UUID groupId() {
        return UUID.nameUUIDFromBytes(("agentd-raft-group:" + clusterName).getBytes(StandardCharsets.UTF_8));
    }

    /** Host part of {@link #raftAddress}, without IPv6 brackets. */
    String bindHost() {
        String host = raftAddress.substring(0, raftAddress.lastIndexOf(':'));
        return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    }

    /** Port part of {@link #raftAddress}. */
    int bindPort() {
        return Integer.parseInt(raftAddress.substring(raftAddress.lastIndexOf(':') + 1));
    }

    public Builder toBuilder() {
        return new Builder(nodeId, raftAddress, storageDir)
                .peers(peers)
                .clusterName(clusterName)
                .electionTimeout(electionTimeoutMin, electionTimeoutMax)
                .requestTimeout(requestTimeout)
                .snapshotThreshold(snapshotThreshold)
                .snapshotsRetained(snapshotsRetained)
                .snapshotGracePeriod(snapshotGracePeriod)
                .logEntriesPreserved(logEntriesPreserved)
                .logSegmentBytes(logSegmentBytes)
                .maxPendingRequests(maxPendingRequests)
                .peerHttp(peerHttp)
                .joining(joining)
                .tls(tls);
    }

    private static void checkAddress(String field, String address) {
        require(address != null, field, "is required");
        int colon = address.lastIndexOf(':');
        require(colon > 0 && colon < address.length() - 1, field, "must be HOST:PORT, got '" + address + "'");
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        require(port >= 1 && port <= 65535, field, "has no valid port (1-65535): '" + address + "'");
    }

    private static boolean positive(Duration d) {
        return d != null && !d.isNegative() && !d.isZero();
    }

    private static void require(boolean ok, String field, String message) {
        if (!ok) {
            throw new IllegalArgumentException("raft config: " + field + " " + message);
        }
    }

    /** Mutable builder; {@link #build} validates. */
    public static final class Builder {
        private final String nodeId;
        private final String raftAddress;
        private final Path storageDir;
        private Map<String, String> peers;
        private Map<String, String> peerHttp = Map.of();
        private boolean joining;
        private String clusterName = DEFAULT_CLUSTER_NAME;
        private Duration electionTimeoutMin = DEFAULT_ELECTION_TIMEOUT_MIN;
        private Duration electionTimeoutMax = DEFAULT_ELECTION_TIMEOUT_MAX;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private long snapshotThreshold = DEFAULT_SNAPSHOT_THRESHOLD;
        private int snapshotsRetained = DEFAULT_SNAPSHOTS_RETAINED;
        private Duration snapshotGracePeriod = DEFAULT_SNAPSHOT_GRACE_PERIOD;
        private long logEntriesPreserved = DEFAULT_LOG_ENTRIES_PRESERVED;
        private long logSegmentBytes = DEFAULT_LOG_SEGMENT_BYTES;
        private int maxPendingRequests = DEFAULT_MAX_PENDING_REQUESTS;
        private PeerTls tls;

        private Builder(String nodeId, String raftAddress, Path storageDir) {
            this.nodeId = nodeId;
            this.raftAddress = raftAddress;
            this.storageDir = storageDir;
        }

        public Builder peers(Map<String, String> peers) {
            this.peers = Objects.requireNonNull(peers, "peers");
            return this;
        }

        public Builder clusterName(String clusterName) {
            this.clusterName = clusterName;
            return this;
        }

        public Builder electionTimeout(Duration min, Duration max) {
            this.electionTimeoutMin = min;
            this.electionTimeoutMax = max;
            return this;
        }

        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = requestTimeout;
            return this;
        }

        public Builder snapshotThreshold(long snapshotThreshold) {
            this.snapshotThreshold = snapshotThreshold;
            return this;
        }

        public Builder snapshotsRetained(int snapshotsRetained) {
            this.snapshotsRetained = snapshotsRetained;
            return this;
        }

        public Builder snapshotGracePeriod(Duration snapshotGracePeriod) {
            this.snapshotGracePeriod = snapshotGracePeriod;
            return this;
        }

        public Builder logEntriesPreserved(long logEntriesPreserved) {
            this.logEntriesPreserved = logEntriesPreserved;
            return this;
        }

        public Builder logSegmentBytes(long logSegmentBytes) {
            this.logSegmentBytes = logSegmentBytes;
            return this;
        }

        public Builder maxPendingRequests(int maxPendingRequests) {
            this.maxPendingRequests = maxPendingRequests;
            return this;
        }

        /** Mutual TLS between the peers; null (the default): plain. */
        public Builder tls(PeerTls tls) {
            this.tls = tls;
            return this;
        }

        /** The members' API addresses where known (see the record). */
        public Builder peerHttp(Map<String, String> peerHttp) {
            this.peerHttp = Objects.requireNonNull(peerHttp, "peerHttp");
            return this;
        }

        /** This node joins an existing group as a learner (see the record). */
        public Builder joining(boolean joining) {
            this.joining = joining;
            return this;
        }

        public RaftNodeConfig build() {
            Map<String, String> members = peers != null ? peers
                    : (nodeId == null || raftAddress == null ? Map.of() : Map.of(nodeId, raftAddress));
            return new RaftNodeConfig(nodeId, raftAddress, new TreeMap<>(members), storageDir, clusterName,
                    electionTimeoutMin, electionTimeoutMax, requestTimeout, snapshotThreshold,
                    snapshotsRetained, snapshotGracePeriod, logEntriesPreserved, logSegmentBytes, maxPendingRequests,
                    tls, new TreeMap<>(peerHttp), joining);
        }
    }
}
