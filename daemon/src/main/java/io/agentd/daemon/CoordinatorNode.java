package io.agentd.daemon;

import com.codahale.metrics.Gauge;
import io.agentd.daemon.metrics.Metrics;
import io.agentd.daemon.config.HostPort;
import io.agentd.daemon.config.ServerConfig;
import io.agentd.daemon.api.ApiLimits;
import io.agentd.daemon.api.ApiRoutes;
import io.agentd.daemon.api.ApiTls;
import io.agentd.daemon.api.Guard;
import io.agentd.daemon.api.HttpApiServer;
import io.agentd.daemon.api.Router;
import io.agentd.daemon.coordinator.AgentService;
import io.agentd.daemon.coordinator.Backups;
import io.agentd.daemon.coordinator.Membership;
import io.agentd.daemon.api.ClusterHealth;
import io.agentd.daemon.api.LearnerPromoter;
import io.agentd.daemon.coordinator.Authenticator;
import io.agentd.daemon.coordinator.BootstrapTokens;
import io.agentd.daemon.coordinator.ClusterInfo;
import io.agentd.daemon.coordinator.ClusterSecret;
import io.agentd.daemon.coordinator.Coordinator;
import io.agentd.daemon.coordinator.DiskAlarm;
import io.agentd.daemon.coordinator.LeaderLossDetector;
import io.agentd.daemon.coordinator.LeaseTracker;
import io.agentd.daemon.coordinator.NamespaceService;
import io.agentd.daemon.coordinator.PeerLinks;
import io.agentd.daemon.coordinator.RegistryReplica;
import io.agentd.daemon.coordinator.RescheduleSweeper;
import io.agentd.daemon.coordinator.RevisionWaiters;
import io.agentd.daemon.coordinator.TokenService;
import io.agentd.daemon.coordinator.WorkerService;
import io.agentd.daemon.raft.PeerTls;
import io.agentd.daemon.raft.RaftNode;
import io.agentd.daemon.raft.RaftNodeConfig;
import io.agentd.daemon.tls.ServerTls;
import io.agentd.daemon.tls.ServerTlsFiles;
import io.agentd.storage.RocksStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One coordinator, wired: RocksDB state, the Raft peer, the services and the API (the
 * composition root: it alone knows every layer). Started by {@code agentd
 * server} and {@code agentd dev}; closed in the reverse order.
 */
public final class CoordinatorNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CoordinatorNode.class);

    private final ServerConfig config;
    private final ScheduledExecutorService timer;
    private final java.util.concurrent.ExecutorService readers;
    private final RocksStore store;
    private final RegistryReplica replica;
    private final RaftNode raft;
    private final Coordinator coordinator;
    private final LeaseTracker leases;
    private final RescheduleSweeper reschedules;
    private final Metrics metrics = new Metrics();
    private final HttpApiServer http;
    private final LeaderLossDetector leaderLoss;
    private final Authenticator authenticator;
    /** TLS of the API, Raft and fast failover; null when they are plain. */
    private final ServerTls tls;
    private volatile HostPort httpAddress;

    private CoordinatorNode(ServerConfig config) throws IOException, InterruptedException {
        this.config = config;
        // First: files that cannot be used stop the start before anything is opened.
        this.tls = config.tls() ? ServerTls.load(new ServerTlsFiles.Paths(config.tlsCert, config.tlsKey, config.tlsCa,
                config.tlsClientCa)) : null;
        ApiTls apiTls = tls == null ? null : new ApiTls(tls, config.tlsProvider);
        JoinCluster.resolve(config, tls == null ? null : tls.peerClientContext(),
                config.insecure ? null : ClusterSecret.of(config.clusterSecretFile, config.bootstrapTokenFile));
        if (config.unsafeStaleReads) {
            LOG.warn("UNSAFE: unsafe-stale-reads is on: reads skip the leadership check and may be stale. "
                    + "This build exists to show the safety tests catch it; never run it for real.");
        }
        Files.createDirectories(config.dataDir);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "agentd-timer");
            t.setDaemon(true);
            return t;
        });
        long opening = System.nanoTime();
        this.store = RocksStore.open(config.dataDir.resolve("state"));
        LOG.info("opened the state store in {} ms (process up {} ms)", (System.nanoTime() - opening) / 1_000_000,
                processUpMillis());
        this.readers = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "agentd-blocking-reads");
            t.setDaemon(true);
            return t;
        });
        RevisionWaiters waiters = new RevisionWaiters(timer, readers);
        this.replica = new RegistryReplica(store, waiters);
        this.raft = RaftNode.start(raftConfig(config, tls == null ? null
                : new PeerTls(tls.keyManager(), tls.peerTrust(), apiTls.openSsl())), replica);
        this.coordinator = new Coordinator(config, raft, replica, waiters, readers, timer);
        ClusterInfo info = new ClusterInfo(config, raft, replica, () -> httpAddress);
        registerGauges(waiters);
        this.leases = new LeaseTracker(() -> replica.read(s -> List.copyOf(s.workers())),
                replica::workersVersion, c -> coordinator.write(c, "lease-sweeper"),
                new LeaseTracker.LeaderCheck() {
                    @Override
                    public boolean leadsIn(long term) {
                        return raft.leadsIn(term);
                    }

                    @Override
                    public CompletableFuture<Void> barrier() {
                        return raft.readBarrier();
                    }
                }, timer, config.workerTtl, System::nanoTime);
        raft.onLeadershipChange(leases::leadershipChanged);
        io.agentd.daemon.providers.ProviderGrants providerGrants = new io.agentd.daemon.providers.ProviderGrants(
                () -> replica.read(s -> {
                    java.util.Map<String, io.agentd.statemachine.model.Provider> m = new java.util.HashMap<>();
                    s.providers().forEach(p -> m.put(p.name(), p));
                    return m;
                }), timer, config.workerTtl, config.electionTimeoutMax.plusSeconds(1), System::nanoTime);
        raft.onLeadershipChange(providerGrants::leadershipChanged);
        this.reschedules = new RescheduleSweeper(n -> replica.read(s -> s.failedToRun(n)),
                c -> coordinator.write(c, "reschedule-sweeper"), timer, config.rescheduleAttempts,
                config.rescheduleBackoff, config.rescheduleReset, System::currentTimeMillis);
        raft.onLeadershipChange(reschedules::leadershipChanged);
        this.authenticator = new Authenticator(!config.insecure, hash -> replica.read(s -> s.tokenByHash(hash)),
                System::currentTimeMillis, () -> coordinator.readable(false));
        if (config.insecure) {
            LOG.warn("INSECURE: authentication is off (insecure: true): whoever reaches {} may do anything",
                    config.httpAddr);
        } else {
            BootstrapTokens bootstrap = new BootstrapTokens(() -> replica.read(s -> s.hasTokens()),
                    hash -> replica.read(s -> s.tokenByHash(hash)) != null,
                    c -> coordinator.write(c, "bootstrap"), config.bootstrapTokenFile, config.dataDir);
            raft.onLeadershipChange(bootstrap::leadershipChanged);
        }
        metrics.registry().register("http_auth_failures", (Gauge<Long>) authenticator::failures);
        // Read (and checked) at start: a bad file stops the server now, not at its first election.
        String clusterSecret = config.insecure ? null : ClusterSecret.of(config.clusterSecretFile,
                config.bootstrapTokenFile);
        DiskAlarm disk = new DiskAlarm(config.nodeId, config.minFreeDisk, DiskAlarm.fileSystemOf(config.dataDir),
                () -> raft.members().stream().map(io.agentd.daemon.raft.Member::id).toList(), config.diskCheckInterval,
                System::nanoTime);
        registerBackpressureGauges(disk);
        ClusterHealth health = new ClusterHealth(info, raft, Agentd.VERSION, config.electionTimeoutMax.multipliedBy(2),
                tls == null ? null : tls.peerClientContext(), clusterSecret, disk);
        // Without the secret, servers cannot ask each other: each then knows only its own space.
        disk.start(timer, config.insecure || clusterSecret != null ? health::askDisk
                : id -> CompletableFuture.failedFuture(new IllegalStateException("no cluster secret")));
        ApiRoutes routes = new ApiRoutes(coordinator, info, new AgentService(coordinator),
                new WorkerService(coordinator, leases, providerGrants), new NamespaceService(coordinator),
                new TokenService(coordinator), metrics, config.insecure ? Guard.OPEN : Guard.servers(clusterSecret),
                config.metricsRequireToken ? Guard.anyToken() : Guard.OPEN,
                new Backups(coordinator, replica, config.dataDir.resolve("tmp"), RocksStore::open, RocksStore::deleteDir,
                        config.nodeId,
                        () -> info.members().stream().map(m -> m.id() + " " + m.raftAddress()).toList(), readers),
                new Membership(raft, timer, config.requestTimeout.plus(config.electionTimeoutMax),
                        config.electionTimeoutMax),
                health, new io.agentd.daemon.coordinator.ProviderService(coordinator, providerGrants));
        new LearnerPromoter(raft, health).start(timer);
        if (config.autopilotCleanupDeadServers) {
            new io.agentd.daemon.coordinator.Autopilot(raft, config.autopilotDeadServerGrace, config.electionTimeoutMax,
                    config.autopilotMinVoters).start(timer);
        }
        this.http = new HttpApiServer(routes.router(new Router()), authenticator, config.maxBodyBytes, metrics,
                routes, new ApiLimits(config.maxInflightRequests, config.writeDelayTarget, config.tokenRateLimit, config.tokenRateBurst, disk));
        if (apiTls != null) {
            http.useTls(apiTls);
            LOG.info("TLS on the API, Raft and fast failover with {}; this server is {}{}", apiTls.describe(),
                    tls.files().describe(), config.tlsClientCa == null ? ""
                            : "; API clients must show a certificate from " + config.tlsClientCa);
        }
        InetSocketAddress bound = http.start(config.httpAddr.host(), config.httpAddr.port());
        this.httpAddress = new HostPort(config.httpAddr.host(), bound.getPort());
        boolean mayAskPeers = config.insecure || clusterSecret != null;
        if (config.fastFailover && config.peers.size() > 1 && !mayAskPeers) {
            LOG.warn("fast failover is off: the servers share no secret to show each other (set cluster-secret-file"
                    + " or bootstrap-token-file, the same on every server); a dead leader is replaced after the"
                    + " election timeout");
        }
        this.leaderLoss = config.fastFailover && config.peers.size() > 1 && mayAskPeers
                ? new LeaderLossDetector(config.nodeId, raft, config.peerHttp,
                tls == null ? PeerLinks.plain() : PeerLinks.tls(tls.peerClientContext()), clusterSecret) : null;
        LOG.info("node {} serves the API on {}{} and Raft on {} (process up {} ms)", config.nodeId, scheme(), httpAddress,
                config.raftAddr, processUpMillis());
    }

    /** Time since this process started, for the start-up log lines (restart time is a target: docs/benchmarks.md). */
    private static long processUpMillis() {
        return ProcessHandle.current().info().startInstant()
                .map(started -> java.time.Duration.between(started, java.time.Instant.now()).toMillis()).orElse(-1L);
    }

    public static CoordinatorNode start(ServerConfig config) throws IOException, InterruptedException {
        return new CoordinatorNode(config);
    }

    /** {@code https://} when the API uses TLS, else {@code http://}. */
    public String scheme() {
        return tls == null ? "http://" : "https://";
    }

    /** Whether the API, Raft and fast failover use TLS. */
    public boolean tls() {
        return tls != null;
    }

    /**
     * Reads the TLS files again and uses them for new connections of the API, Raft and fast
     * failover; throws (TlsFileException, IllegalStateException) and changes nothing when they
     * cannot be used. Connections already open keep their certificates.
     */
    public ServerTlsFiles reloadTls() {
        if (tls == null) {
            throw new IllegalStateException("this server does not use TLS");
        }
        return tls.reload();
    }

    static RaftNodeConfig raftConfig(ServerConfig c, PeerTls peerTls) {
        java.util.TreeMap<String, String> peers = new java.util.TreeMap<>();
        c.peers.forEach((id, hp) -> peers.put(id, hp.toString()));
        java.util.TreeMap<String, String> http = new java.util.TreeMap<>();
        c.peerHttp.forEach((id, hp) -> http.put(id, hp.toString()));
        if (c.httpAddr.port() != 0) {
            http.putIfAbsent(c.nodeId, c.httpAddr.toString());
        }
        return RaftNodeConfig.builder(c.nodeId, c.raftAddr.toString(), c.dataDir.resolve("raft"))
                .peers(peers)
                .peerHttp(http)
                .joining(!c.join.isEmpty())
                .clusterName(c.clusterName)
                .electionTimeout(c.electionTimeoutMin, c.electionTimeoutMax)
                .requestTimeout(c.requestTimeout)
                .snapshotThreshold(c.snapshotThreshold)
                .logEntriesPreserved(c.logEntriesPreserved)
                .logSegmentBytes(c.logSegmentBytes)
                .tls(peerTls)
                .build();
    }

    private void registerGauges(RevisionWaiters waiters) {
        metrics.register(new io.agentd.daemon.raft.RatisMetrics());
        metrics.registry().register("raft_term", (Gauge<Long>) raft::term);
        metrics.registry().register("raft_commit_index", (Gauge<Long>) raft::commitIndex);
        metrics.registry().register("raft_applied_index", (Gauge<Long>) replica::appliedIndex);
        metrics.registry().register("raft_is_leader", (Gauge<Integer>) () -> raft.isLeader() ? 1 : 0);
        metrics.registry().register("registry_revision", (Gauge<Long>) replica::revision);
        metrics.registry().register("registry_agents", (Gauge<Integer>) () -> replica.read(s -> s.agentCount()));
        metrics.registry().register("registry_pending_agents", (Gauge<Integer>) () -> replica.read(s -> s.pendingCount()));
        metrics.registry().register("registry_workers", (Gauge<Integer>) () -> replica.read(s -> s.workers().size()));
        metrics.registry().register("blocking_queries_waiting", (Gauge<Integer>) waiters::waiting);
        metrics.registry().register("cluster_feature_level", (Gauge<Integer>) () -> replica.read(s -> s.featureLevel()));
        metrics.registry().register("build_feature_level_max", (Gauge<Integer>) () -> io.agentd.statemachine.FeatureLevel.MAX_SUPPORTED);
    }

    /** The free-space alarm and the proposal queue, as metrics. */
    private void registerBackpressureGauges(DiskAlarm disk) {
        metrics.registry().register("disk_free_bytes", (Gauge<Long>) () -> disk.local().freeBytes());
        metrics.registry().register("disk_total_bytes", (Gauge<Long>) () -> disk.local().totalBytes());
        metrics.registry().register("disk_min_free_bytes", (Gauge<Long>) () -> disk.local().minFreeBytes());
        metrics.registry().register("disk_low", (Gauge<Integer>) () -> disk.local().low() ? 1 : 0);
        metrics.registry().register("disk_alarm", (Gauge<Integer>) () -> disk.raised().isPresent() ? 1 : 0);
        metrics.registry().register("proposals_queued", (Gauge<Integer>) coordinator::queuedProposals);
    }

    public HostPort httpAddress() {
        return httpAddress;
    }

    public RaftNode raft() {
        return raft;
    }

    public Coordinator coordinator() {
        return coordinator;
    }

    /** Waits until this node sees a leader, up to the bound. */
    public boolean awaitLeader(Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (System.nanoTime() < deadline) {
            if (raft.leaderId().isPresent()) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    @Override
    public void close() {
        if (leaderLoss != null) {
            leaderLoss.close();
        }
        try {
            http.close();
        } catch (RuntimeException e) {
            LOG.warn("closing the API server", e);
        }
        try {
            raft.close();
        } catch (Exception e) {
            LOG.warn("closing the Raft peer", e);
        }
        store.close();
        timer.shutdownNow();
        readers.shutdownNow();
    }

    public Path dataDir() {
        return config.dataDir;
    }
}
