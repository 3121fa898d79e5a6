package io.agentd.daemon.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentd.client.api.FeatureLevelsView;
import io.agentd.daemon.config.HostPort;
import io.agentd.daemon.coordinator.Caller;
import io.agentd.daemon.coordinator.ClusterInfo;
import io.agentd.daemon.coordinator.Coordinator;
import io.agentd.daemon.raft.Member;
import io.agentd.statemachine.FeatureLevel;
import io.agentd.statemachine.Replica;
import io.agentd.statemachine.command.Command;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The cluster's feature level and the replicas' agreement, across members:
 * <ul>
 *   <li>{@code POST /v1/cluster/feature-level}: raises the level once every member says it
 *   supports it, and not before: a member on an older build would apply the new rules' entries
 *   differently, or not at all;</li>
 *   <li>{@code POST /v1/cluster/check}: puts a {@code CheckState} entry in the log, after which
 *   every replica records a digest of its state, and compares the digests: replicas that applied
 *   the same log agree, so a differing one has diverged.</li>
 * </ul>
 * A member that runs a build from before feature levels answers the member view without
 * {@code featureLevels}: it supports level 1 only and cannot read a {@code CheckState} entry, so
 * both are refused while it is a member.
 */
final class ClusterUpgrades {
    /** A member's state check by id ({@link #checkRoute}), asked over the servers' internal route. */
    static final String CHECK_PATH = "/v1/internal/check/";
    /** How long a check waits for every member to apply its entry. */
    static final Duration CHECK_WAIT = Duration.ofSeconds(30);
    private static final long POLL_MILLIS = 100;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ClusterInfo cluster;
    private final Coordinator coordinator;
    private final ClusterHealth health;

    ClusterUpgrades(ClusterInfo cluster, Coordinator coordinator, ClusterHealth health) {
        this.cluster = cluster;
        this.coordinator = coordinator;
        this.health = health;
    }

    /** The levels a member's own view says its build supports; null when it says none (an older build). */
    static FeatureLevelsView levels(JsonNode view) {
        if (view == null || !view.path("featureLevels").isObject()) {
            return null;
        }
        return new FeatureLevelsView(view.path("featureLevels").path("min").asInt(),
                view.path("featureLevels").path("max").asInt());
    }

    /** {@code POST /v1/cluster/feature-level {"level": N}}. */
    CompletableFuture<ApiResponse> upgrade(ApiRequest q) {
        int level = level(q);
        int current = cluster.featureLevel();
        if (level < current) {
            throw new ApiException(409, "FAILED_PRECONDITION", "the cluster is at feature level " + current
                    + "; lowering it to " + level + " is not supported");
        }
        Caller caller = Writes.caller(q);
        List<Member> members = coordinator.raft().members();
        return health.views(members).thenCompose(v -> {
            requireEveryMember(members, v, level, "raise the feature level to " + level);
            return coordinator.write(caller.envelope(new Command.SetFeatureLevel(level)));
        }).thenApply(reply -> {
            if (!reply.isOk()) {
                throw ErrorMapping.error(reply.code(), reply.message());
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("featureLevel", level);
            out.put("previous", current);
            out.put("changed", level != current);
            out.put("adds", FeatureLevel.describe(level));
            return ApiResponse.ok(out).withHeader(Reads.REVISION_HEADER, Long.toString(reply.revision()));
        });
    }

    /**
     * Refuses unless every member answered and supports {@code level} ({@code level} 0: merely
     * knows feature levels, so it can read the entries that came with them).
     */
    private static void requireEveryMember(List<Member> members, ClusterHealth.Views v, int level, String what) {
        for (Member m : members) {
            JsonNode view = v.seen().get(m.id());
            if (view == null) {
                throw new ApiException(409, "FAILED_PRECONDITION", "cannot " + what + ": member " + m.id()
                        + " did not answer (" + v.unreachable().get(m.id()) + "), so it cannot be known to support it");
            }
            FeatureLevelsView range = levels(view);
            if (range == null) {
                throw new ApiException(409, "FAILED_PRECONDITION", "cannot " + what + ": member " + m.id()
                        + " runs agentd " + view.path("version").asText("?") + ", a build from before feature levels"
                        + " (it supports level 1 only); upgrade it first");
            }
            if (level > 0 && (level < range.min() || level > range.max())) {
                throw new ApiException(409, "FAILED_PRECONDITION", "cannot " + what + ": member " + m.id()
                        + " runs agentd " + view.path("version").asText("?") + ", which supports feature levels "
                        + range + "; upgrade it first");
            }
        }
    }

    private static int level(ApiRequest q) {
        JsonNode body;
        try {
            body = Json.MAPPER.readTree(q.body() == null ? new byte[0] : q.body());
        } catch (java.io.IOException e) {
            body = null;
        }
        if (body == null || !body.path("level").isInt()) {
            throw ApiException.invalid("the body must be {\"level\": N}, N a feature level (this build supports "
                    + FeatureLevel.MIN_SUPPORTED + " to " + FeatureLevel.MAX_SUPPORTED + ")");
        }
        int level = body.path("level").asInt();
        if (level < FeatureLevel.INITIAL) {
            throw ApiException.invalid("level must be >= " + FeatureLevel.INITIAL + ", got " + level);
        }
        return level;
    }

    /** {@code POST /v1/cluster/check}. */
    CompletableFuture<ApiResponse> check(ApiRequest q) {
        Caller caller = Writes.caller(q);
        List<Member> members = coordinator.raft().members();
        String id = "check-" + HexFormat.of().formatHex(bytes());
        return health.views(members).thenCompose(v -> {
            requireEveryMember(members, v, 0, "check the replicas");
            return coordinator.write(caller.envelope(new Command.CheckState(id)));
        }).thenCompose(reply -> {
            if (!reply.isOk()) {
                throw ErrorMapping.error(reply.code(), reply.message());
            }
            long deadline = System.nanoTime() + CHECK_WAIT.toNanos();
            Map<String, CompletableFuture<JsonNode>> answers = new TreeMap<>();
            for (Member m : members) {
                answers.put(m.id(), checkOf(m.id(), id, deadline));
            }
            return CompletableFuture.allOf(answers.values().toArray(CompletableFuture[]::new))
                    .handle((x, e) -> ApiResponse.ok(compare(id, answers)));
        });
    }

    private static byte[] bytes() {
        byte[] b = new byte[8];
        RANDOM.nextBytes(b);
        return b;
    }

    /** A member's check under {@code id}, asked again until it has one or the deadline passes. */
    private CompletableFuture<JsonNode> checkOf(String member, String id, long deadline) {
        CompletableFuture<JsonNode> ask;
        if (member.equals(cluster.nodeId())) {
            Replica.StateCheck c = coordinator.stateCheck(id);
            ask = c == null ? CompletableFuture.failedFuture(new IllegalStateException("not applied yet"))
                    : CompletableFuture.completedFuture(Json.MAPPER.valueToTree(view(cluster.nodeId(), c)));
        } else {
            HostPort address = cluster.httpAddress(member);
            ask = address == null ? CompletableFuture.failedFuture(new IllegalStateException("no API address"))
                    : health.askAt(address, CHECK_PATH + id);
        }
        return ask.exceptionallyCompose(err -> {
            if (System.nanoTime() >= deadline) {
                return CompletableFuture.failedFuture(err);
            }
            return CompletableFuture.supplyAsync(() -> null,
                            CompletableFuture.delayedExecutor(POLL_MILLIS, TimeUnit.MILLISECONDS))
                    .thenCompose(x -> checkOf(member, id, deadline));
        });
    }

    static Map<String, Object> view(String node, Replica.StateCheck c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("node", node);
        m.put("id", c.id());
        m.put("index", c.index());
        m.put("revision", c.revision());
        if (c.digest() != null) {
            m.put("digest", c.digest());
        } else {
            m.put("error", c.error());
        }
        return m;
    }

    /**
     * The members' digests side by side: they agree when all answered with one digest. Otherwise
     * the members whose digest differs from the one most members have are named (all of them when
     * no digest has a majority).
     */
    private static Map<String, Object> compare(String id, Map<String, CompletableFuture<JsonNode>> answers) {
        List<Map<String, Object>> rows = new ArrayList<>();
        Map<String, List<String>> byDigest = new TreeMap<>();
        List<String> unanswered = new ArrayList<>();
        long index = 0;
        for (var e : answers.entrySet()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", e.getKey());
            try {
                JsonNode c = e.getValue().join();
                row.put("index", c.path("index").asLong());
                row.put("revision", c.path("revision").asLong());
                index = c.path("index").asLong();
                if (c.hasNonNull("digest")) {
                    row.put("digest", c.path("digest").asText());
                    byDigest.computeIfAbsent(c.path("digest").asText(), k -> new ArrayList<>()).add(e.getKey());
                } else {
                    row.put("error", c.path("error").asText("no digest"));
                    unanswered.add(e.getKey());
                }
            } catch (RuntimeException failure) {
                Throwable c = failure.getCause() != null ? failure.getCause() : failure;
                row.put("error", c.getMessage() == null ? c.toString() : c.getMessage());
                unanswered.add(e.getKey());
            }
            rows.add(row);
        }
        List<String> differing = new ArrayList<>();
        String majority = null;
        for (var d : byDigest.entrySet()) {
            if (d.getValue().size() * 2 > answers.size()) {
                majority = d.getKey();
            }
        }
        for (var d : byDigest.entrySet()) {
            if (!d.getKey().equals(majority)) {
                differing.addAll(d.getValue());
            }
        }
        if (byDigest.size() <= 1) {
            differing.clear();
        }
        for (Map<String, Object> row : rows) {
            row.put("agrees", row.containsKey("digest") && (differing.isEmpty() || !differing.contains(row.get("id"))));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", id);
        out.put("index", index);
        out.put("agree", differing.isEmpty() && unanswered.isEmpty());
        out.put("members", rows);
        out.put("differing", differing);
        out.put("unanswered", unanswered);
        return out;
    }

    /** {@code GET /v1/internal/check/{id}}: this replica's check, or 404 while it has none. */
    CompletableFuture<ApiResponse> checkRoute(ApiRequest q) {
        Replica.StateCheck c = coordinator.stateCheck(q.param("id"));
        if (c == null) {
            throw ApiException.notFound("no state check " + q.param("id") + " on " + cluster.nodeId()
                    + " (applied index " + coordinator.appliedIndex() + ")");
        }
        return CompletableFuture.completedFuture(ApiResponse.ok(view(cluster.nodeId(), c)));
    }
}
