package io.agentd.daemon.api;

import io.agentd.daemon.coordinator.ClusterInfo;
import io.agentd.daemon.coordinator.Coordinator;
import io.agentd.daemon.coordinator.LeaderLossDetector;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The cluster as this node sees it ({@code /v1/cluster/...}), the health checks, the metrics,
 * and what coordinators ask of each other for fast failover ({@code /v1/internal/...}).
 */
final class ClusterRoutes {
    private final ClusterInfo cluster;
    private final Coordinator coordinator;
    private final io.agentd.daemon.metrics.Metrics metrics;

    private final Guard servers;
    private final Guard metricsGuard;
    private final io.agentd.daemon.coordinator.Backups backups;
    private final io.agentd.daemon.coordinator.Membership membership;
    private final ClusterHealth health;
    private final ClusterUpgrades upgrades;

    /**
     * @param servers      who may ask what servers ask each other ({@link Guard#servers})
     * @param metricsGuard who may read the metrics: {@link Guard#OPEN}, or any token
     */
    ClusterRoutes(ClusterInfo cluster, Coordinator coordinator, io.agentd.daemon.metrics.Metrics metrics, Guard servers,
                  Guard metricsGuard, io.agentd.daemon.coordinator.Backups backups,
                  io.agentd.daemon.coordinator.Membership membership, ClusterHealth health) {
        this.backups = backups;
        this.membership = membership;
        this.health = health;
        this.upgrades = new ClusterUpgrades(cluster, coordinator, health);
        this.servers = servers;
        this.metricsGuard = metricsGuard;
        this.cluster = cluster;
        this.coordinator = coordinator;
        this.metrics = metrics;
    }

    void register(Router r) {
        r.get("/v1/cluster/status", Guard.anyToken(), q -> CompletableFuture.completedFuture(ApiResponse.ok(cluster.status())));
        r.post("/v1/cluster/feature-level", Guard.admin(), upgrades::upgrade);
        r.post("/v1/cluster/check", Guard.admin(), upgrades::check);
        r.get(ClusterUpgrades.CHECK_PATH + "{id}", servers, upgrades::checkRoute);
        r.get("/v1/cluster/members", Guard.anyToken(), q -> CompletableFuture.completedFuture(ApiResponse.ok(cluster.members())));
        r.get("/v1/cluster/snapshot", Guard.admin(), q -> backups.save().thenApply(b -> ApiResponse.ok(
                new ApiResponse.Bytes("application/octet-stream", b.bytes()))
                .withHeader("X-Agentd-Revision", Long.toString(b.revision()))));
        r.get("/v1/cluster/health", Guard.anyToken(), q -> health.report().thenApply(ApiResponse::ok));
        r.get(ClusterHealth.MEMBER_PATH, servers, q -> CompletableFuture.completedFuture(ApiResponse.ok(health.self())));
        r.post("/v1/cluster/leader", Guard.admin(), q -> membership.transferLeadership(
                java.util.Optional.ofNullable(target(q))).thenApply(t -> ApiResponse.ok(Map.of("leader", t.leader(),
                "changed", t.changed(), "term", t.term()))));
        r.post("/v1/cluster/members", Guard.admin(), q -> {
            com.fasterxml.jackson.databind.JsonNode body;
            try {
                body = Json.MAPPER.readTree(q.body() == null ? new byte[0] : q.body());
            } catch (java.io.IOException e) {
                throw ApiException.invalid("the body must be JSON: {\"id\": ..., \"raftAddress\": \"HOST:PORT\","
                        + " \"httpAddress\": \"HOST:PORT\"}");
            }
            if (body == null || !body.isObject()) {
                throw ApiException.invalid("the body must be a JSON object with id, raftAddress and httpAddress");
            }
            String id = body.path("id").asText(null);
            String raftAddress = body.path("raftAddress").asText(null);
            String httpAddress = body.path("httpAddress").asText(null);
            for (String[] f : new String[][]{{"id", id}, {"raftAddress", raftAddress}, {"httpAddress", httpAddress}}) {
                if (f[1] == null || f[1].isBlank()) {
                    throw ApiException.invalid(f[0] + " is required");
                }
            }
            io.agentd.daemon.config.HostPort api;
            try {
                io.agentd.daemon.config.HostPort.parse(raftAddress);
                api = io.agentd.daemon.config.HostPort.parse(httpAddress);
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid(e.getMessage());
            }
            // The new server must run already (agentd server --join): Raft sends it the log before the
            // configuration that adds it can commit, and waiting on a server that is not there helps nobody.
            return health.askAt(api).handle((view, err) -> {
                if (err != null || !id.equals(view.path("node").asText())) {
                    throw new ApiException(409, "FAILED_PRECONDITION", "no server " + id + " answers at " + api
                            + (err == null ? " (" + view.path("node").asText() + " does)" : "")
                            + ": start it first with agentd server --join URL --node-id " + id + ", then add it");
                }
                int level = cluster.featureLevel();
                io.agentd.client.api.FeatureLevelsView range = ClusterUpgrades.levels(view);
                if (level > io.agentd.statemachine.FeatureLevel.INITIAL
                        && (range == null || level < range.min() || level > range.max())) {
                    throw new ApiException(409, "FAILED_PRECONDITION", "server " + id + " runs agentd "
                            + view.path("version").asText("?") + ", which supports feature levels "
                            + (range == null ? "1 only" : range) + ", and the cluster is at level " + level
                            + ": start it from a build that supports level " + level);
                }
                return view;
            }).thenCompose(view -> membership.add(id, raftAddress, httpAddress)).thenApply(v -> ApiResponse.ok(
                    Map.of("added", id, "voter", false, "members", cluster.members())));
        });
        r.get("/v1/internal/members", servers, q -> CompletableFuture.completedFuture(
                ApiResponse.ok(cluster.membersForJoin())));
        r.delete("/v1/cluster/members/{id}", Guard.admin(), q -> membership.remove(q.param("id"))
                .thenApply(left -> ApiResponse.ok(Map.of("removed", q.param("id"), "members", left))));
        r.get("/health/live", Guard.OPEN, q -> CompletableFuture.completedFuture(ApiResponse.ok(Map.of("status", "ok"))));
        r.get("/health/ready", Guard.OPEN, q -> ready());
        // Fast failover (LeaderLossDetector): a follower holds this open to the leader and reads
        // end of file when the leader's process is gone; survivors compare their logs.
        r.get(LeaderLossDetector.LIVENESS_PATH, servers, q -> new CompletableFuture<ApiResponse>().completeOnTimeout(
                ApiResponse.ok(Map.of("alive", true)), LeaderLossDetector.LIVENESS_HOLD.toSeconds(), TimeUnit.SECONDS));
        r.get(LeaderLossDetector.POSITION_PATH, servers, q -> CompletableFuture.completedFuture(
                ApiResponse.ok(LeaderLossDetector.position(cluster.nodeId(), coordinator.raft()))));
        r.get("/metrics", metricsGuard, q -> CompletableFuture.completedFuture(new ApiResponse(200,
                new ApiResponse.Text(io.agentd.daemon.metrics.Metrics.contentType(), metrics.scrape()),
                Map.of())));
    }

    /** The member a transfer names ({@code {"to": "n2"}}), or null for any fit one. */
    private static String target(ApiRequest q) {
        if (q.body() == null || q.body().length == 0) {
            return null;
        }
        com.fasterxml.jackson.databind.JsonNode body;
        try {
            body = Json.MAPPER.readTree(q.body());
        } catch (java.io.IOException e) {
            throw ApiException.invalid("the body must be JSON: {\"to\": \"MEMBER\"} or nothing");
        }
        if (body == null || body.isNull() || body.isObject() && !body.has("to")) {
            return null;
        }
        if (!body.isObject() || !body.path("to").isTextual() || body.path("to").asText().isBlank()) {
            throw ApiException.invalid("to must be a member's id, as in {\"to\": \"n2\"}");
        }
        return body.path("to").asText();
    }

    /** 200 when this node knows a leader and has applied what the leader had committed when asked. */
    private CompletableFuture<ApiResponse> ready() {
        if (coordinator.raft().leaderId().isEmpty()) {
            return CompletableFuture.failedFuture(ApiException.unavailable("no leader known"));
        }
        return coordinator.raft().readBarrier().orTimeout(2, TimeUnit.SECONDS)
                .handle((v, err) -> {
                    if (err != null) {
                        throw ApiException.unavailable("not caught up with the leader: "
                                + ErrorMapping.map(err).getMessage());
                    }
                    return ApiResponse.ok(Map.of("status", "ready", "appliedIndex", coordinator.appliedIndex()));
                });
    }
}
