package io.agentd.daemon.api;

import io.agentd.client.api.HeartbeatView;
import io.agentd.client.api.SpawnRequest;
import io.agentd.daemon.coordinator.AgentService;
import io.agentd.daemon.coordinator.ClusterInfo;
import io.agentd.daemon.coordinator.Coordinator;
import io.agentd.daemon.coordinator.NamespaceService;
import io.agentd.daemon.coordinator.TokenService;
import io.agentd.daemon.coordinator.WorkerService;

import java.util.concurrent.CompletableFuture;

/**
 * The whole HTTP API: the routes of every resource on one router, and the two requests that
 * {@link HttpApiServer} takes past the router (spawns and lease renewals, the bulk of a busy
 * leader's requests). Each resource's routes parse and answer HTTP; the services below them
 * validate requests and build commands.
 */
public final class ApiRoutes {
    private final AgentRoutes agents;
    private final WorkerRoutes workers;
    private final NamespaceRoutes namespaces;
    private final EventRoutes events;
    private final LogsProxy logs;
    private final ClusterRoutes cluster;
    private final TokenRoutes tokens;
    private final AuditRoutes audit;
    private final ProviderRoutes providers;

    public ApiRoutes(Coordinator coordinator, ClusterInfo clusterInfo, AgentService agentService,
                     WorkerService workerService, NamespaceService namespaceService, TokenService tokenService,
                     io.agentd.daemon.metrics.Metrics metrics, Guard servers, Guard metricsGuard,
                     io.agentd.daemon.coordinator.Backups backups,
                     io.agentd.daemon.coordinator.Membership membership, ClusterHealth health,
                     io.agentd.daemon.coordinator.ProviderService providerService) {
        Reads reads = new Reads(coordinator);
        Writes writes = new Writes(coordinator);
        this.agents = new AgentRoutes(agentService, reads, writes);
        this.workers = new WorkerRoutes(workerService, reads, writes);
        this.namespaces = new NamespaceRoutes(namespaceService, reads, writes);
        this.events = new EventRoutes(reads);
        this.logs = new LogsProxy(reads);
        this.cluster = new ClusterRoutes(clusterInfo, coordinator, metrics, servers, metricsGuard, backups, membership, health);
        this.tokens = new TokenRoutes(tokenService, reads, writes);
        this.audit = new AuditRoutes(coordinator, reads);
        this.providers = new ProviderRoutes(providerService, reads, writes);
    }

    public Router router(Router r) {
        namespaces.register(r);
        agents.register(r);
        workers.register(r);
        logs.register(r);
        events.register(r);
        cluster.register(r);
        tokens.register(r);
        audit.register(r);
        providers.register(r);
        return r;
    }

    /** A spawn whose body {@link SpawnFastPath} has read. */
    CompletableFuture<ApiResponse> spawn(ApiRequest q, SpawnRequest body) {
        return agents.spawn(q, body);
    }

    /** A lease renewal that {@link HeartbeatFastPath} has recognised. */
    CompletableFuture<HeartbeatView> renewLease(String workerId) {
        return workers.renew(workerId);
    }
}
