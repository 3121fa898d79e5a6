package io.agentd.daemon.raft;

import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcTlsConfig;
import org.apache.ratis.retry.ExponentialBackoffRetry;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.thirdparty.io.netty.handler.ssl.OpenSsl;
import org.apache.ratis.thirdparty.io.netty.handler.ssl.SslProvider;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The one place that turns a {@link RaftNodeConfig} into Ratis properties. Every key Ratis
 * would otherwise default in a way that is wrong for agentd is set here, with the reason.
 *
 * <p>Size limits fit together like this: a log entry may be at most {@link #MAX_ENTRY} (Ratis
 * rejects bigger ones at append, and a bigger one could never be sent); one appendEntries batch
 * carries at most that many bytes; a snapshot chunk is {@link #SNAPSHOT_CHUNK}; the gRPC message
 * limit {@link #GRPC_MESSAGE_MAX} leaves room above both for the request envelope; the log write
 * buffer must hold one whole entry plus its 8 bytes of framing.
 */
final class RatisSettings {
    static final SizeInBytes MAX_ENTRY = SizeInBytes.valueOf("4MB");
    static final SizeInBytes SNAPSHOT_CHUNK = SizeInBytes.valueOf("4MB");
    static final SizeInBytes GRPC_MESSAGE_MAX = SizeInBytes.valueOf("16MB");
    static final SizeInBytes LOG_WRITE_BUFFER = SizeInBytes.valueOf("8MB");
    /**
     * Ratis extends a log segment by writing this many zero bytes at a time (so that an fsync of an
     * append does not also have to journal a new file size). A new segment, opened at every change of
     * term, is created with its first such stretch and synced, and a follower does that before it can
     * acknowledge a new leader's first entry: a smaller stretch than Ratis' default shortens every
     * failover (docs/benchmarks.md, "Failover and the dying leader's memory").
     */
    static final long PREALLOCATE_MAX = 1L << 20;
    static final int INSTALL_CHUNKS_IN_FLIGHT = 2;
    static final Duration MIN_RPC_TIMEOUT = Duration.ofSeconds(3);
    static final Duration RETRY_BASE_SLEEP = Duration.ofMillis(50);
    static final Duration RETRY_MAX_SLEEP = Duration.ofMillis(200);

    private RatisSettings() {
    }

    static RaftProperties server(RaftNodeConfig c) {
        RaftProperties p = new RaftProperties();
        RaftConfigKeys.Rpc.setType(p, SupportedRpcType.GRPC);
        // Ratis' default is /tmp/raft-server: never let the log land there.
        RaftServerConfigKeys.setStorageDir(p, List.of(c.storageDir().toFile()));
        GrpcConfigKeys.Server.setHost(p, c.bindHost());
        GrpcConfigKeys.Server.setPort(p, c.bindPort());
        GrpcConfigKeys.setMessageSizeMax(p, GRPC_MESSAGE_MAX);

        // Election timeout (Ratis calls it rpc timeout); heartbeats are sent every min/2. Ratis'
        // LAN default makes a loaded small machine hold elections it does not need.
        RaftServerConfigKeys.Rpc.setTimeoutMin(p, time(c.electionTimeoutMin()));
        RaftServerConfigKeys.Rpc.setTimeoutMax(p, time(c.electionTimeoutMax()));
        // Timeout of one server-to-server request (append, install chunk): longer than an election,
        // so a slow follower is retried, not declared failed, while the cluster is healthy.
        RaftServerConfigKeys.Rpc.setRequestTimeout(p, time(serverRpcTimeout(c)));
        RaftServerConfigKeys.LeaderElection.setPreVote(p, true);

        // The default read option is not linearizable. Leader leases stay off: reads confirm
        // leadership with a heartbeat round instead of trusting clocks.
        RaftServerConfigKeys.Read.setOption(p, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
        RaftServerConfigKeys.Read.ReadIndex.setType(p, RaftServerConfigKeys.Read.ReadIndex.Type.COMMIT_INDEX);
        RaftServerConfigKeys.Read.setLeaderLeaseEnabled(p, false);
        RaftServerConfigKeys.Read.setTimeout(p, time(c.requestTimeout()));

        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, c.snapshotThreshold());
        RaftServerConfigKeys.Snapshot.setRetentionFileNum(p, c.snapshotsRetained());
        // The state machine is durable by itself (applied index in the same batch as the state), so
        // a snapshot at shutdown only makes stopping slower.
        RaftServerConfigKeys.Snapshot.setTriggerWhenStopEnabled(p, false);

        // Purge the log up to each snapshot even when some follower has not committed that far (a
        // follower that is down must not make the log grow without bound): such a follower gets the
        // snapshot. Ratis' default keeps no tail, so a follower whose install took longer than one
        // snapshot interval finds the entries after its snapshot gone and is sent another snapshot,
        // for as long as the load lasts; the preserved tail lets it continue from the log.
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
        RaftServerConfigKeys.Log.setPurgePreservationLogNum(p, c.logEntriesPreserved());
        RaftServerConfigKeys.Log.setPurgeGap(p, (int) Math.min(1024, c.snapshotThreshold()));
        RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf(c.logSegmentBytes()));
        RaftServerConfigKeys.Log.setPreallocatedSize(p, SizeInBytes.valueOf(Math.min(c.logSegmentBytes(), PREALLOCATE_MAX)));
        RaftServerConfigKeys.Log.setWriteBufferSize(p, LOG_WRITE_BUFFER);
        // No commit-index entries in the log. With Ratis' default the leader appends a metadata entry
        // each time its commit index advances, and replicates and fsyncs it like any other: with one
        // batch of writes in flight that is a second Raft round for every batch (the log grew by two
        // entries per batch under spawn load). It only lets a restarted server apply committed entries
        // before it hears from a leader; agentd's state machine keeps its applied index durably, and
        // a server learns the commit index from the first append or heartbeat of the leader, which it
        // needs to serve anything anyway. Durability is unchanged: an entry still counts as written
        // only once fsynced on a majority.
        RaftServerConfigKeys.Log.setLogMetadataEnabled(p, false);

        RaftServerConfigKeys.Log.Appender.setBufferByteLimit(p, MAX_ENTRY);
        RaftServerConfigKeys.Log.Appender.setSnapshotChunkSizeMax(p, SNAPSHOT_CHUNK);
        RaftServerConfigKeys.Log.Appender.setInstallSnapshotEnabled(p, true);
        // Ratis waits for a chunk's reply for timeout x element-limit, and when a transfer fails
        // (the follower is down) the leader's sender for that follower stays blocked that long
        // before it retries or even sends a heartbeat: 3s x 8 = 24s by default. Two chunks in
        // flight keep a LAN busy and bound that wait to twice the server request timeout.
        GrpcConfigKeys.Server.setInstallSnapshotRequestElementLimit(p, INSTALL_CHUNKS_IN_FLIGHT);
        GrpcConfigKeys.Server.setInstallSnapshotRequestTimeout(p, time(serverRpcTimeout(c)));
        return p;
    }

    /**
     * What the server and the client of a node get besides properties: the peers' mutual TLS, the
     * same for the server's own listener, its connections to other servers, and the client's (an
     * empty set for plain gRPC). OpenSSL is Ratis' own shaded copy of netty-tcnative: where that one
     * does not load, Raft uses the JDK's engine.
     */
    static Parameters parameters(RaftNodeConfig c) {
        Parameters p = new Parameters();
        if (c.tls() != null) {
            GrpcConfigKeys.TLS.setConf(p, GrpcTlsConfig.newBuilder()
                    .setName("raft-peers")
                    .setKeyManager(c.tls().keys())
                    .setTrustManager(c.tls().trust())
                    .setMutualTls(true)
                    .setSslProvider(c.tls().openSsl() && OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK)
                    .build());
        }
        return p;
    }

    static RaftProperties client(RaftNodeConfig c) {
        RaftProperties p = new RaftProperties();
        RaftConfigKeys.Rpc.setType(p, SupportedRpcType.GRPC);
        GrpcConfigKeys.setMessageSizeMax(p, GRPC_MESSAGE_MAX);
        RaftClientConfigKeys.Rpc.setRequestTimeout(p, time(clientAttemptTimeout(c)));
        // RaftNode admits at most this many writes itself and fails the rest at once: Ratis' own
        // limit blocks the calling thread instead.
        RaftClientConfigKeys.Async.setOutstandingRequestsMax(p, c.maxPendingRequests());
        return p;
    }

    /**
     * Bounded (Ratis' default retries forever): exponential backoff up to {@link #RETRY_MAX_SLEEP}
     * (or the election timeout if that is shorter), with enough attempts to outlast the request
     * timeout, after which RaftNode has already failed the caller. The cap is short on purpose: a
     * follower's writes retry while an election runs, and a backoff that had grown to the election
     * timeout kept them waiting up to that long after the new leader was ready (docs/benchmarks.md,
     * "Measurements behind choices in the code"). A retry costs one small request to a peer.
     */
    static RetryPolicy clientRetryPolicy(RaftNodeConfig c) {
        Duration maxSleep = c.electionTimeoutMin().compareTo(RETRY_MAX_SLEEP) < 0 ? c.electionTimeoutMin() : RETRY_MAX_SLEEP;
        // Ratis randomizes each sleep down to half of it.
        long attempts = c.requestTimeout().toMillis() / Math.max(1, maxSleep.toMillis() / 2) + 8;
        return ExponentialBackoffRetry.newBuilder()
                .setBaseSleepTime(time(RETRY_BASE_SLEEP))
                .setMaxSleepTime(time(maxSleep.compareTo(RETRY_BASE_SLEEP) > 0 ? maxSleep : RETRY_BASE_SLEEP))
                .setMaxAttempts((int) Math.min(attempts, 200))
                .build();
    }

    /** One client attempt: long enough for a commit under load, short enough to retry after a failover. */
    static Duration clientAttemptTimeout(RaftNodeConfig c) {
        Duration d = c.electionTimeoutMax().multipliedBy(2);
        if (d.compareTo(MIN_RPC_TIMEOUT) < 0) {
            d = MIN_RPC_TIMEOUT;
        }
        return d.compareTo(c.requestTimeout()) > 0 ? c.requestTimeout() : d;
    }

    static Duration serverRpcTimeout(RaftNodeConfig c) {
        Duration d = c.electionTimeoutMax().multipliedBy(2);
        return d.compareTo(MIN_RPC_TIMEOUT) < 0 ? MIN_RPC_TIMEOUT : d;
    }

    static TimeDuration time(Duration d) {
        return TimeDuration.valueOf(d.toMillis(), TimeUnit.MILLISECONDS);
    }
}
