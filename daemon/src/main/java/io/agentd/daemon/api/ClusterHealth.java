package io.agentd.daemon.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentd.daemon.config.HostPort;
import io.agentd.daemon.coordinator.ClusterInfo;
import io.agentd.daemon.coordinator.DiskAlarm;
import io.agentd.daemon.raft.Member;
import io.agentd.daemon.raft.RaftNode;
import io.agentd.statemachine.FeatureLevel;

import javax.net.ssl.SSLContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * {@code GET /v1/cluster/health}: every member's own view ({@link #MEMBER_PATH}, asked over the
 * servers' internal route), put together with what the leader knows of its followers, and a line
 * per problem: no leader, members that disagree on it, a member that does not answer, one the
 * leader has not heard from for longer than an election timeout, one whose applied index trails
 * the leader's commit index by more than {@link #MAX_LAG} entries, one low on disk (the free-space
 * alarm, {@link DiskAlarm}: the cluster then refuses writes that add data).
 */
public final class ClusterHealth {
    /** A member's own view: role, term, leader, log and applied indexes, version; the leader adds its followers. */
    static final String MEMBER_PATH = "/v1/internal/member";
    /** Entries a member may trail the leader's commit index by and still count as healthy. */
    static final long MAX_LAG = 1000;
    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(2);

    private final ClusterInfo cluster;
    private final RaftNode raft;
    private final String version;
    private final Duration silenceLimit;
    private final HttpClient http;
    private final String scheme;
    private final String secret;
    private final DiskAlarm disk;

    /**
     * @param tls          the context to reach the peers' APIs with (null: plain HTTP)
     * @param secret       the cluster secret shown on the internal route (null: none)
     * @param silenceLimit a follower the leader has not heard from for longer is a problem
     * @param disk         this server's free space, and what it knows of the others'
     */
    public ClusterHealth(ClusterInfo cluster, RaftNode raft, String version, Duration silenceLimit, SSLContext tls,
                  String secret, DiskAlarm disk) {
        this.disk = disk;
        this.cluster = cluster;
        this.raft = raft;
        this.version = version;
        this.silenceLimit = silenceLimit;
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(ASK_TIMEOUT).version(HttpClient.Version.HTTP_1_1);
        if (tls != null) {
            b.sslContext(tls);
        }
        this.http = b.build();
        this.scheme = tls == null ? "http" : "https";
        this.secret = secret;
    }

    /** This member's own view (the internal route's answer). */
    Map<String, Object> self() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("node", cluster.nodeId());
        m.put("role", raft.isLeader() ? "leader" : raft.members().stream()
                .filter(x -> x.id().equals(cluster.nodeId())).map(x -> x.role().name().toLowerCase())
                .findFirst().orElse("unknown"));
        m.put("term", raft.term());
        m.put("leader", raft.leaderId().orElse(null));
        m.put("lastIndex", raft.lastLogEntry().index());
        m.put("commitIndex", raft.commitIndex());
        m.put("appliedIndex", raft.appliedIndex());
        m.put("version", version);
        m.put("commit", io.agentd.client.BuildInfo.commit());
        m.put("featureLevel", cluster.featureLevel());
        m.put("featureLevels", Map.of("min", FeatureLevel.MIN_SUPPORTED, "max", FeatureLevel.MAX_SUPPORTED));
        m.put("followers", raft.followerLastContactMillis());
        DiskAlarm.Reading d = disk.local();
        m.put("disk", Map.of("freeBytes", d.freeBytes(), "totalBytes", d.totalBytes(), "minFreeBytes",
                d.minFreeBytes(), "low", d.low()));
        return m;
    }

    /** A member's free space, asked over the internal route. */
    public CompletableFuture<DiskAlarm.Reading> askDisk(String id) {
        return ask(id).thenApply(view -> {
            JsonNode d = view.path("disk");
            if (!d.isObject()) {
                throw new IllegalStateException(id + " does not report its free space");
            }
            return new DiskAlarm.Reading(id, d.path("freeBytes").asLong(), d.path("totalBytes").asLong(),
                    d.path("minFreeBytes").asLong());
        });
    }

    CompletableFuture<Map<String, Object>> report() {
        List<Member> members = raft.members();
        return views(members).thenApply(v -> assemble(members, v.seen(), v.unreachable()));
    }

    /** Members' own views by id, and why the others did not give theirs. */
    record Views(Map<String, JsonNode> seen, Map<String, String> unreachable) {
    }

    /** Every member's own view ({@link #MEMBER_PATH}), this node's without asking; never fails. */
    CompletableFuture<Views> views(List<Member> members) {
        Map<String, CompletableFuture<JsonNode>> views = new TreeMap<>();
        for (Member m : members) {
            views.put(m.id(), m.id().equals(cluster.nodeId())
                    ? CompletableFuture.completedFuture(Json.MAPPER.valueToTree(self())) : ask(m.id()));
        }
        return CompletableFuture.allOf(views.values().toArray(CompletableFuture[]::new)).handle((v, e) -> {
            Map<String, JsonNode> seen = new TreeMap<>();
            Map<String, String> unreachable = new TreeMap<>();
            views.forEach((id, f) -> {
                try {
                    seen.put(id, f.join());
                } catch (RuntimeException failure) {
                    Throwable c = failure.getCause() != null ? failure.getCause() : failure;
                    unreachable.put(id, c.getMessage() == null ? c.toString() : c.getMessage());
                }
            });
            return new Views(seen, unreachable);
        });
    }

    private Map<String, Object> assemble(List<Member> members, Map<String, JsonNode> seen,
                                         Map<String, String> unreachable) {
        List<String> problems = new ArrayList<>();
        String leader = raft.leaderId().orElse(null);
        if (leader == null) {
            problems.add(cluster.nodeId() + " knows no leader");
        }
        Map<String, List<String>> leaders = new TreeMap<>();
        seen.forEach((id, view) -> leaders.computeIfAbsent(view.path("leader").asText("none"), k -> new ArrayList<>())
                .add(id));
        if (leaders.size() > 1) {
            StringBuilder b = new StringBuilder("the members disagree on the leader:");
            leaders.forEach((l, ids) -> b.append(' ').append(String.join(",", ids)).append(" see ").append(l).append(';'));
            problems.add(b.substring(0, b.length() - 1));
        }
        JsonNode leaderView = leader == null ? null : seen.get(leader);
        long commit = leaderView == null ? raft.commitIndex() : leaderView.path("commitIndex").asLong();
        JsonNode contact = leaderView == null ? null : leaderView.path("followers");
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Member m : members) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", m.id());
            row.put("voter", m.voter());
            JsonNode view = seen.get(m.id());
            if (view == null) {
                row.put("reachable", false);
                row.put("role", "unknown");
                HostPort address = cluster.httpAddress(m.id());
                problems.add(m.id() + " did not answer" + (address == null ? " (its API address is unknown: set"
                        + " peer-http)" : " at " + address + ": " + unreachable.get(m.id())));
            } else {
                row.put("reachable", true);
                row.put("role", view.path("role").asText());
                row.put("appliedIndex", view.path("appliedIndex").asLong());
                row.put("commitIndex", view.path("commitIndex").asLong());
                long lag = Math.max(0, commit - view.path("appliedIndex").asLong());
                row.put("lag", lag);
                row.put("version", view.path("version").asText());
                row.put("commit", view.path("commit").isTextual() ? view.path("commit").asText() : null);
                row.put("featureLevels", view.path("featureLevels").isObject() ? view.path("featureLevels") : null);
                if (lag > MAX_LAG && m.voter()) {
                    problems.add(m.id() + " trails the leader by " + lag + " entries (more than " + MAX_LAG + ")");
                }
                JsonNode d = view.path("disk");
                if (d.isObject()) {
                    DiskAlarm.Reading r = new DiskAlarm.Reading(m.id(), d.path("freeBytes").asLong(),
                            d.path("totalBytes").asLong(), d.path("minFreeBytes").asLong());
                    row.put("diskFreeBytes", r.freeBytes());
                    row.put("diskLow", r.low());
                    if (r.low()) {
                        problems.add(r.describe() + ": the cluster refuses writes that add data (507) until it has"
                                + " more; reads and deletes go on");
                    }
                }
            }
            if (contact != null && contact.has(m.id())) {
                long ms = contact.path(m.id()).asLong();
                row.put("lastContactMs", ms);
                if (ms > silenceLimit.toMillis()) {
                    problems.add("the leader has not heard from " + m.id() + " for " + ms + " ms");
                }
            } else if (m.id().equals(leader)) {
                row.put("lastContactMs", 0);
            }
            rows.add(row);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("healthy", problems.isEmpty());
        out.put("leader", leader);
        out.put("term", raft.term());
        out.put("featureLevel", cluster.featureLevel());
        out.put("members", rows);
        out.put("diskAlarm", rows.stream().anyMatch(r -> Boolean.TRUE.equals(r.get("diskLow"))));
        out.put("problems", problems);
        return out;
    }

    /** A member's own view, asked over the internal route. */
    CompletableFuture<JsonNode> ask(String id) {
        HostPort address = cluster.httpAddress(id);
        if (address == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("no API address"));
        }
        return askAt(address);
    }

    /** The own view of the server at {@code address} (a member, or one about to be added). */
    CompletableFuture<JsonNode> askAt(HostPort address) {
        return askAt(address, MEMBER_PATH);
    }

    /** GET of an internal route ({@code path}) of the server at {@code address}; fails unless it answers 200. */
    CompletableFuture<JsonNode> askAt(HostPort address, String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(scheme + "://" + address + path))
                .timeout(ASK_TIMEOUT);
        if (secret != null) {
            b.header(Guard.CLUSTER_SECRET_HEADER, secret);
        }
        return http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofByteArray()).thenApply(r -> {
            if (r.statusCode() != 200) {
                throw new IllegalStateException("answered " + r.statusCode() + errorMessage(r.body()));
            }
            try {
                return Json.MAPPER.readTree(r.body());
            } catch (java.io.IOException e) {
                throw new IllegalStateException("unreadable answer");
            }
        });
    }

    /** ": message" of an API error body, or nothing. */
    private static String errorMessage(byte[] body) {
        try {
            String m = Json.MAPPER.readTree(body).path("error").path("message").asText("");
            return m.isEmpty() ? "" : ": " + m;
        } catch (java.io.IOException | RuntimeException e) {
            return "";
        }
    }
}
