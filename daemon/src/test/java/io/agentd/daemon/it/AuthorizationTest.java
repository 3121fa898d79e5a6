package io.agentd.daemon.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentd.daemon.CoordinatorNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every route of the API against every role and every kind of bad token, on a node with
 * authentication on: what a role may do is answered (not 401 or 403), what it may not is
 * answered 403 and changes nothing (the revision stays), and a missing, unknown, revoked or
 * expired token gets 401 everywhere but the health checks and the metrics.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthorizationTest {
    @TempDir
    static Path dir;
    private CoordinatorNode node;
    private Http anonymous;
    private Http admin;
    /** Caller name to its secret. */
    private final Map<String, String> callers = new LinkedHashMap<>();
    private final AtomicInteger seq = new AtomicInteger();

    private static final String ADMIN = "admin";
    private static final String OP = "operator";
    private static final String OP_A = "operator-of-a";
    private static final String RD = "reader";
    private static final String RD_A = "reader-of-a";
    private static final String W1 = "worker-w1";
    private static final String W2 = "worker-w2";
    private static final Set<String> READERS = Set.of(ADMIN, OP, OP_A, RD, RD_A);
    private static final Set<String> EVERYONE = Set.of(ADMIN, OP, OP_A, RD, RD_A, W1, W2);

    @BeforeAll
    void start() throws Exception {
        Path secretFile = dir.resolve("admin-token");
        String adminSecret = "agd_test_" + "x".repeat(40);
        Files.writeString(secretFile, adminSecret + "\n");
        node = DevNode.start(dir.resolve("n1"), c -> {
            c.insecure = false;
            c.bootstrapTokenFile = secretFile;
        });
        anonymous = new Http(DevNode.url(node));
        admin = anonymous.as(adminSecret);
        // The leader makes the bootstrap token once it leads.
        await().atMost(Duration.ofSeconds(60)).until(() -> admin.get("/v1/tokens/self").status() == 200);
        callers.put(ADMIN, adminSecret);
        callers.put(OP, token("{\"role\":\"operator\"}"));
        callers.put(OP_A, token("{\"role\":\"operator\",\"namespaces\":[\"a\"]}"));
        callers.put(RD, token("{\"role\":\"reader\"}"));
        callers.put(RD_A, token("{\"role\":\"reader\",\"namespaces\":[\"a\"]}"));
        callers.put(W1, token("{\"role\":\"worker\",\"workerId\":\"w1\"}"));
        callers.put(W2, token("{\"role\":\"worker\",\"workerId\":\"w2\"}"));
        ok(admin.post("/v1/namespaces", "{\"name\":\"a\"}"));
        ok(admin.post("/v1/namespaces", "{\"name\":\"b\"}"));
        ok(admin.post("/v1/workers", register("w1", 1000)));
        ok(admin.post("/v1/workers", register("w2", 0)));
        ok(admin.post("/v1/namespaces/a/agents", spawn("x")));
        ok(admin.post("/v1/namespaces/a/agents", spawn("m")));
        ok(admin.post("/v1/namespaces/b/agents", spawn("y")));
        assertThat(admin.get("/v1/namespaces/a/agents/x").json().path("worker").asText()).isEqualTo("w1");
        ok(admin.post("/v1/cluster/feature-level", "{\"level\":3}"));
        ok(admin.put("/v1/providers/p1", "{\"requestsPerMinute\":600}"));
    }

    @AfterAll
    void stop() {
        if (node != null) {
            node.close();
        }
    }

    /** A route, its request, and the callers it lets through. */
    private record Case(String method, String path, Supplier<String> body, Set<String> allowed) {
        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    private List<Case> cases() {
        List<Case> c = new ArrayList<>();
        c.add(new Case("GET", "/v1/namespaces", null, READERS));
        c.add(new Case("POST", "/v1/namespaces", () -> "{\"name\":\"n" + seq.incrementAndGet() + "\"}", Set.of(ADMIN, OP)));
        c.add(new Case("GET", "/v1/namespaces/a", null, READERS));
        c.add(new Case("GET", "/v1/namespaces/b", null, Set.of(ADMIN, OP, RD)));
        c.add(new Case("PUT", "/v1/namespaces/a/quota", () -> "{\"maxAgents\":1000}", Set.of(ADMIN, OP)));
        c.add(new Case("POST", "/v1/namespaces/a/agents", () -> spawn("s" + seq.incrementAndGet()), Set.of(ADMIN, OP, OP_A)));
        c.add(new Case("POST", "/v1/namespaces/b/agents", () -> spawn("s" + seq.incrementAndGet()), Set.of(ADMIN, OP)));
        c.add(new Case("POST", "/v1/namespaces/a/agents:batch",
                () -> "{\"agents\":[" + spawn("s" + seq.incrementAndGet()) + "]}", Set.of(ADMIN, OP, OP_A)));
        c.add(new Case("GET", "/v1/namespaces/a/agents/x", null, plus(READERS, W1)));
        c.add(new Case("GET", "/v1/namespaces/b/agents/y", null, Set.of(ADMIN, OP, RD, W1)));
        c.add(new Case("GET", "/v1/namespaces/a/agents", null, READERS));
        c.add(new Case("GET", "/v1/agents", null, READERS));
        c.add(new Case("GET", "/v1/agents?worker=w1", null, plus(READERS, W1)));
        c.add(new Case("GET", "/v1/namespaces/a/agents?worker=w2", null, plus(READERS, W2)));
        c.add(new Case("GET", "/v1/namespaces/a/agents/x/metadata/k", null, READERS));
        c.add(new Case("PUT", "/v1/namespaces/a/agents/x/metadata/k", () -> "{\"value\":\"v\"}", Set.of(ADMIN, OP, OP_A)));
        c.add(new Case("POST", "/v1/namespaces/a/agents/x/status",
                () -> "{\"fencingToken\":" + fencingToken("x") + ",\"state\":\"running\"}", Set.of(ADMIN, W1)));
        c.add(new Case("POST", "/v1/namespaces/a/agents/x/health",
                () -> "{\"fencingToken\":" + fencingToken("x") + ",\"status\":\"ok\"}", Set.of(ADMIN, W1)));
        c.add(new Case("PUT", "/v1/namespaces/a/agents/x/checkpoint",
                () -> "{\"fencingToken\":" + fencingToken("x") + ",\"data\":\"c\"}", Set.of(ADMIN, W1)));
        c.add(new Case("GET", "/v1/namespaces/a/agents/x/checkpoint", null, plus(READERS, W1)));
        c.add(new Case("GET", "/v1/namespaces/a/agents/x/logs", null, READERS));
        c.add(new Case("POST", "/v1/namespaces/a/agents/m/migrate", () -> "{\"to\":\"w2\"}", Set.of(ADMIN, OP, OP_A)));
        c.add(new Case("POST", "/v1/namespaces/a/agents/m/stop", () -> "{}", Set.of(ADMIN, OP, OP_A)));
        c.add(new Case("DELETE", "/v1/namespaces/b/agents/nosuch", null, Set.of(ADMIN, OP)));
        c.add(new Case("GET", "/v1/workers", null, READERS));
        c.add(new Case("GET", "/v1/workers/w1", null, plus(READERS, W1)));
        c.add(new Case("POST", "/v1/workers", () -> register("w1", 1000), Set.of(ADMIN, W1)));
        c.add(new Case("POST", "/v1/workers", () -> register("w2", 0), Set.of(ADMIN, W2)));
        c.add(new Case("POST", "/v1/workers/w1/heartbeat", () -> "{}", Set.of(ADMIN, W1)));
        c.add(new Case("POST", "/v1/workers/w1/heartbeat", () -> "{\"note\":1}", Set.of(ADMIN, W1)));
        c.add(new Case("POST", "/v1/workers/w2/drain", () -> "{}", Set.of(ADMIN, OP, W2)));
        c.add(new Case("POST", "/v1/workers/w2/undrain", () -> "{}", Set.of(ADMIN, OP, W2)));
        c.add(new Case("GET", "/v1/events?after=0", null, READERS));
        c.add(new Case("GET", "/v1/cluster/status", null, EVERYONE));
        c.add(new Case("GET", "/v1/cluster/members", null, EVERYONE));
        c.add(new Case("GET", "/v1/tokens", null, Set.of(ADMIN)));
        c.add(new Case("POST", "/v1/tokens", () -> "{\"role\":\"reader\"}", Set.of(ADMIN)));
        c.add(new Case("GET", "/v1/tokens/self", null, EVERYONE));
        c.add(new Case("GET", "/v1/tokens/t1", null, Set.of(ADMIN)));
        c.add(new Case("DELETE", "/v1/tokens/t999999", null, Set.of(ADMIN)));
        c.add(new Case("GET", "/v1/audit", null, Set.of(ADMIN)));
        c.add(new Case("GET", "/v1/providers", null, plus(plus(READERS, W1), W2)));
        c.add(new Case("GET", "/v1/providers/p1", null, READERS));
        c.add(new Case("PUT", "/v1/providers/p1", () -> "{\"requestsPerMinute\":" + (600 + seq.incrementAndGet()) + "}",
                Set.of(ADMIN, OP)));
        c.add(new Case("DELETE", "/v1/providers/nosuch", null, Set.of(ADMIN, OP)));
        return c;
    }

    @Test
    void everyRoleGetsWhatItMayAndNothingElse() {
        List<String> wrong = new ArrayList<>();
        for (Case k : cases()) {
            for (Map.Entry<String, String> caller : callers.entrySet()) {
                long before = revision();
                Http.Answer a = send(anonymous.as(caller.getValue()), k);
                boolean allowed = k.allowed().contains(caller.getKey());
                if (allowed && (a.status() == 401 || a.status() == 403 || a.status() == 500)) {
                    wrong.add(caller.getKey() + " " + k + ": expected to be let through, got " + a.status() + " " + a.body());
                } else if (!allowed) {
                    if (a.status() != 403 || !a.errorCode().equals("PERMISSION_DENIED")) {
                        wrong.add(caller.getKey() + " " + k + ": expected 403 PERMISSION_DENIED, got " + a.status() + " "
                                + a.body());
                    } else if (revision() != before) {
                        wrong.add(caller.getKey() + " " + k + ": refused, yet the revision moved from " + before);
                    }
                }
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void badTokensAreUnauthenticatedEverywhereButHealthAndMetrics() {
        String revoked = token("{\"role\":\"admin\"}");
        String revokedId = anonymous.as(revoked).get("/v1/tokens/self").json().path("id").asText();
        ok(admin.delete("/v1/tokens/" + revokedId));
        String expiring = token("{\"role\":\"admin\",\"ttl\":\"1s\"}");
        await().atMost(Duration.ofSeconds(30)).until(() -> anonymous.as(expiring).get("/v1/tokens/self").status() == 401);
        Map<String, Http> bad = new LinkedHashMap<>();
        bad.put("no token", anonymous);
        bad.put("an unknown token", anonymous.as("agd_" + "y".repeat(43)));
        bad.put("a revoked token", anonymous.as(revoked));
        bad.put("an expired token", anonymous.as(expiring));
        bad.put("an empty bearer", anonymous.as(""));
        List<String> wrong = new ArrayList<>();
        for (Case k : cases()) {
            for (Map.Entry<String, Http> b : bad.entrySet()) {
                long before = revision();
                Http.Answer a = send(b.getValue(), k);
                if (a.status() != 401 || !a.errorCode().equals("UNAUTHENTICATED")) {
                    wrong.add(b.getKey() + " " + k + ": expected 401 UNAUTHENTICATED, got " + a.status() + " " + a.body());
                } else if (revision() != before) {
                    wrong.add(b.getKey() + " " + k + ": refused, yet the revision moved from " + before);
                }
            }
        }
        for (String open : List.of("/health/live", "/health/ready", "/metrics")) {
            for (Map.Entry<String, Http> b : bad.entrySet()) {
                int status = b.getValue().get(open).status();
                if (status != 200) {
                    wrong.add(b.getKey() + " GET " + open + ": expected 200, got " + status);
                }
            }
        }
        assertThat(wrong).isEmpty();
        assertThat(admin.get("/metrics").body()).containsPattern("agentd_http_auth_failures \\d+");
    }

    @Test
    void scopedTokensSeeOnlyTheirNamespaces() {
        Http opA = anonymous.as(callers.get(OP_A));
        Http rdA = anonymous.as(callers.get(RD_A));
        assertThat(names(opA.get("/v1/namespaces").json(), "name")).containsExactly("a");
        assertThat(namespacesOf(rdA.get("/v1/agents").json())).containsExactly("a");
        assertThat(namespacesOf(anonymous.as(callers.get(RD)).get("/v1/agents").json())).contains("a", "b");
        JsonNode events = rdA.get("/v1/events?after=0").json().path("events");
        assertThat(events.size()).isPositive();
        events.forEach(e -> assertThat(e.path("namespace").asText()).isEqualTo("a"));
    }

    @Test
    void aWorkerCannotReportOnAnotherWorkersAgentEvenWithItsFencingToken() {
        long token = fencingToken("x");
        long auditBefore = admin.get("/v1/audit?limit=10000").json().size();
        Http.Answer a = anonymous.as(callers.get(W2)).post("/v1/namespaces/a/agents/x/status",
                "{\"fencingToken\":" + token + ",\"state\":\"stopped\"}");
        assertThat(a.status()).isEqualTo(403);
        assertThat(a.errorMessage()).contains("w2").contains("w1");
        assertThat(admin.get("/v1/namespaces/a/agents/x").json().path("fencingToken").asLong()).isEqualTo(token);
        // Refused by the state machine: the audit trail has it, with the token that tried.
        JsonNode last = last(admin.get("/v1/audit?command=ReportStatus&limit=1").json());
        assertThat(last.path("result").asText()).isEqualTo("PERMISSION_DENIED");
        assertThat(last.path("role").asText()).isEqualTo("worker");
        assertThat(admin.get("/v1/audit?limit=10000").json().size()).isEqualTo(auditBefore + 1);
        // A stale fencing token still gets the 409 on which a worker fences.
        Http.Answer stale = anonymous.as(callers.get(W2)).post("/v1/namespaces/a/agents/x/status",
                "{\"fencingToken\":" + (token - 1) + ",\"state\":\"stopped\"}");
        assertThat(stale.status()).isEqualTo(409);
    }

    @Test
    void refusedAtTheApiLeavesNoAuditRecord() {
        long before = admin.get("/v1/audit?limit=10000").json().size();
        assertThat(anonymous.as(callers.get(RD)).post("/v1/namespaces", "{\"name\":\"zz\"}").status()).isEqualTo(403);
        assertThat(anonymous.post("/v1/namespaces", "{\"name\":\"zz\"}").status()).isEqualTo(401);
        assertThat(admin.get("/v1/audit?limit=10000").json().size()).isEqualTo(before);
        assertThat(admin.get("/v1/namespaces/zz").status()).isEqualTo(404);
    }

    // helpers

    private static Http.Answer send(Http http, Case k) {
        return http.send(k.method(), k.path(), k.body() == null ? null : k.body().get());
    }

    private long revision() {
        return admin.get("/v1/cluster/status").json().path("revision").asLong();
    }

    private long fencingToken(String name) {
        return admin.get("/v1/namespaces/a/agents/" + name).json().path("fencingToken").asLong();
    }

    private String token(String body) {
        Http.Answer a = admin.post("/v1/tokens", body);
        assertThat(a.status()).as(a.body()).isEqualTo(201);
        return a.json().path("secret").asText();
    }

    private static String spawn(String name) {
        return "{\"name\":\"" + name + "\",\"spec\":{\"command\":\"/bin/sleep\",\"args\":[\"100\"]}}";
    }

    private static String register(String id, int slots) {
        return "{\"id\":\"" + id + "\",\"address\":\"127.0.0.1:1\",\"capacitySlots\":" + slots + "}";
    }

    private static void ok(Http.Answer a) {
        assertThat(a.status()).as(a.body()).isBetween(200, 201);
    }

    private static Set<String> plus(Set<String> set, String one) {
        Set<String> out = new TreeSet<>(set);
        out.add(one);
        return out;
    }

    private static List<String> names(JsonNode array, String field) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.path(field).asText()));
        return out;
    }

    private static Set<String> namespacesOf(JsonNode agents) {
        return new TreeSet<>(names(agents, "namespace"));
    }

    private static JsonNode last(JsonNode array) {
        assertThat(array.size()).isPositive();
        return array.get(array.size() - 1);
    }
}
