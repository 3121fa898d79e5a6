package io.agentd.daemon.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The API's behaviour on a one-node coordinator in this JVM. */
class ApiTest extends OneNodeApiTest {
    /** Agents of most tests require a worker label no worker has, so they stay pending. */
    private static String spawnBody(String name, String extra) {
        return spawnOn(name, "nowhere", extra);
    }

    private static String spawnOn(String name, String pool, String extra) {
        return "{\"name\":\"" + name + "\",\"spec\":{\"command\":\"/bin/sleep\",\"args\":[\"60\"],"
                + "\"constraints\":{\"pool\":\"" + pool + "\"}" + extra + "}}";
    }

    @Test
    void spawnCreatesAPendingAgentAndARetryWithTheSameSpecReturnsIt() {
        Http.Answer a = http.post("/v1/namespaces/default/agents", spawnBody("alpha", ",\"labels\":{\"team\":\"x\"}"));
        assertThat(a.status()).as(a.body()).isEqualTo(201);
        JsonNode agent = a.json();
        assertThat(agent.path("namespace").asText()).isEqualTo("default");
        assertThat(agent.path("name").asText()).isEqualTo("alpha");
        assertThat(agent.path("state").asText()).isEqualTo("pending");
        assertThat(agent.path("worker").isNull()).isTrue();
        assertThat(agent.path("fencingToken").isNull()).isTrue();
        assertThat(agent.path("pendingReason").asText()).startsWith("no ready worker");
        assertThat(agent.path("revision").asLong()).isPositive();

        Http.Answer again = http.post("/v1/namespaces/default/agents", spawnBody("alpha", ",\"labels\":{\"team\":\"x\"}"));
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().path("id").asLong()).isEqualTo(agent.path("id").asLong());

        Http.Answer other = http.post("/v1/namespaces/default/agents", spawnBody("alpha", ",\"slots\":2"));
        assertThat(other.status()).isEqualTo(409);
        assertThat(other.errorCode()).isEqualTo("ALREADY_EXISTS");
    }

    @Test
    void pendingAgentsArePlacedWhenAWorkerRegistersAndTokensAreAssignmentRevisions() {
        http.post("/v1/namespaces", "{\"name\":\"place\"}");
        for (int i = 0; i < 3; i++) {
            assertThat(http.post("/v1/namespaces/place/agents", spawnOn("p" + i, "place", ",\"slots\":2")).status()).isEqualTo(201);
        }
        Http.Answer w = http.post("/v1/workers", "{\"id\":\"place-w1\",\"address\":\"127.0.0.1:7422\",\"zone\":\"z1\",\"labels\":{\"pool\":\"place\"},\"capacitySlots\":4}");
        assertThat(w.status()).as(w.body()).isEqualTo(201);
        JsonNode list = http.get("/v1/namespaces/place/agents").json();
        assertThat(list).hasSize(3);
        int placed = 0;
        for (JsonNode a : list) {
            if (a.path("state").asText().equals("starting")) {
                placed++;
                assertThat(a.path("worker").asText()).isEqualTo("place-w1");
                assertThat(a.path("fencingToken").asLong()).isEqualTo(a.path("revision").asLong());
            } else {
                assertThat(a.path("state").asText()).isEqualTo("pending");
                assertThat(a.path("pendingReason").asText()).contains("free slot");
            }
        }
        assertThat(placed).isEqualTo(2);
        JsonNode worker = http.get("/v1/workers/place-w1").json();
        assertThat(worker.path("usedSlots").asInt()).isEqualTo(4);
        assertThat(worker.path("agents").asInt()).isEqualTo(2);

        // A worker report moves it to running; a stale token is refused.
        JsonNode p0 = http.get("/v1/namespaces/place/agents/p0").json();
        long token = p0.path("fencingToken").asLong();
        Http.Answer running = http.post("/v1/namespaces/place/agents/p0/status",
                "{\"fencingToken\":" + token + ",\"state\":\"running\"}");
        assertThat(running.status()).as(running.body()).isEqualTo(200);
        assertThat(running.json().path("state").asText()).isEqualTo("running");
        Http.Answer stale = http.post("/v1/namespaces/place/agents/p0/status",
                "{\"fencingToken\":" + (token - 1) + ",\"state\":\"running\"}");
        assertThat(stale.status()).isEqualTo(409);
        assertThat(stale.errorCode()).isEqualTo("FAILED_PRECONDITION");

        // Stop: stopping until the worker confirms; then the slots go to the waiting agent.
        assertThat(http.post("/v1/namespaces/place/agents/p0/stop", null).json().path("state").asText()).isEqualTo("stopping");
        assertThat(http.post("/v1/namespaces/place/agents/p0/status",
                "{\"fencingToken\":" + token + ",\"state\":\"stopped\",\"exitCode\":0}").status()).isEqualTo(200);
        assertThat(http.get("/v1/namespaces/place/agents/p0").json().path("state").asText()).isEqualTo("stopped");
        assertThat(http.get("/v1/namespaces/place/agents?state=pending").json()).isEmpty();
    }

    @Test
    void quotaRefusesTheSpawnAndChangesNothing() {
        assertThat(http.post("/v1/namespaces", "{\"name\":\"tight\",\"quota\":{\"maxAgents\":1}}").status()).isEqualTo(201);
        assertThat(http.post("/v1/namespaces/tight/agents", spawnBody("one", "")).status()).isEqualTo(201);
        long before = http.get("/v1/namespaces/tight").json().path("usage").path("agents").asLong();
        Http.Answer over = http.post("/v1/namespaces/tight/agents", spawnBody("two", ""));
        assertThat(over.status()).isEqualTo(403);
        assertThat(over.errorCode()).isEqualTo("QUOTA_EXCEEDED");
        assertThat(over.errorMessage()).contains("tight");
        assertThat(http.get("/v1/namespaces/tight/agents/two").status()).isEqualTo(404);
        assertThat(http.get("/v1/namespaces/tight").json().path("usage").path("agents").asLong()).isEqualTo(before);
        // Raising the quota lets it through.
        assertThat(http.put("/v1/namespaces/tight/quota", "{\"maxAgents\":2}").status()).isEqualTo(200);
        assertThat(http.post("/v1/namespaces/tight/agents", spawnBody("two", "")).status()).isEqualTo(201);
    }

    @Test
    void metadataCompareAndSet() {
        http.post("/v1/namespaces/default/agents", spawnBody("meta", ""));
        Http.Answer first = http.put("/v1/namespaces/default/agents/meta/metadata/phase", "{\"value\":\"1\",\"ifVersion\":0}");
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        long v1 = first.json().path("version").asLong();
        Http.Answer conflict = http.put("/v1/namespaces/default/agents/meta/metadata/phase", "{\"value\":\"x\",\"ifVersion\":0}");
        assertThat(conflict.status()).isEqualTo(409);
        assertThat(conflict.errorCode()).isEqualTo("VERSION_MISMATCH");
        Http.Answer second = http.put("/v1/namespaces/default/agents/meta/metadata/phase", "{\"value\":\"2\",\"ifVersion\":" + v1 + "}");
        assertThat(second.status()).isEqualTo(200);
        JsonNode got = http.get("/v1/namespaces/default/agents/meta/metadata/phase").json();
        assertThat(got.path("value").asText()).isEqualTo("2");
        assertThat(got.path("version").asLong()).isEqualTo(second.json().path("version").asLong());
        assertThat(http.get("/v1/namespaces/default/agents/meta/metadata/nope").status()).isEqualTo(404);
        // Keys may hold '/', percent-encoded in the path.
        assertThat(http.put("/v1/namespaces/default/agents/meta/metadata/a%2Fb", "{\"value\":\"slash\"}").status()).isEqualTo(200);
        assertThat(http.get("/v1/namespaces/default/agents/meta/metadata/a%2Fb").json().path("value").asText()).isEqualTo("slash");
    }

    @Test
    void aRetriedWriteWithTheSameIdempotencyKeyAppliesOnce() {
        http.post("/v1/namespaces/default/agents", spawnBody("idem", ""));
        String body = "{\"value\":\"v\",\"ifVersion\":0}";
        Http.Answer a = http.send("PUT", "/v1/namespaces/default/agents/idem/metadata/k", body, "Idempotency-Key", "key-123");
        Http.Answer b = http.send("PUT", "/v1/namespaces/default/agents/idem/metadata/k", body, "Idempotency-Key", "key-123");
        assertThat(a.status()).isEqualTo(200);
        assertThat(b.status()).as("the retry answers the first reply, not a CAS failure").isEqualTo(200);
        assertThat(b.json().path("version").asLong()).isEqualTo(a.json().path("version").asLong());
        Http.Answer c = http.send("PUT", "/v1/namespaces/default/agents/idem/metadata/k", body, "Idempotency-Key", "key-124");
        assertThat(c.status()).isEqualTo(409);
    }

    @Test
    void deleteRemovesAnUnassignedAgent() {
        http.post("/v1/namespaces/default/agents", spawnBody("gone", ""));
        assertThat(http.delete("/v1/namespaces/default/agents/gone").status()).isEqualTo(200);
        assertThat(http.get("/v1/namespaces/default/agents/gone").status()).isEqualTo(404);
        assertThat(http.delete("/v1/namespaces/default/agents/gone").status()).isEqualTo(404);
    }

    @Test
    void blockingQueryReturnsWhenTheRevisionPasses() throws Exception {
        long rev = http.get("/v1/namespaces").revision();
        CompletableFuture<Http.Answer> waiting = CompletableFuture.supplyAsync(
                () -> http.get("/v1/namespaces/default/agents?index=" + rev + "&wait=30s"));
        // The write must come while the request is parked, or this would test an ordinary read.
        await().atMost(Duration.ofSeconds(20)).until(() -> parked() >= 1);
        assertThat(waiting).isNotDone();
        http.post("/v1/namespaces/default/agents", spawnBody("wake", ""));
        Http.Answer a = waiting.get(20, TimeUnit.SECONDS);
        assertThat(a.revision()).isGreaterThan(rev);
        // With nothing happening, the wait runs out and answers the current state.
        long now = http.get("/v1/namespaces").revision();
        long t0 = System.nanoTime();
        Http.Answer idle = http.get("/v1/namespaces?index=" + now + "&wait=300ms");
        assertThat(idle.status()).isEqualTo(200);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isGreaterThanOrEqualTo(250);
    }

    /** Blocking queries parked on the node now, from its metrics. */
    private long parked() {
        return http.get("/metrics").body().lines().filter(l -> l.startsWith("agentd_blocking_queries_waiting "))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.indexOf(' ') + 1))).findFirst().orElseThrow();
    }

    @Test
    void changedAfterListsOnlyAgentsChangedSinceThatRevisionAndBlocksUntilOneChanges() throws Exception {
        http.post("/v1/namespaces", "{\"name\":\"delta\"}");
        http.post("/v1/namespaces/delta/agents", spawnBody("d1", ""));
        http.post("/v1/namespaces/delta/agents", spawnBody("d2", ""));
        long rev = http.get("/v1/namespaces/delta/agents").revision();
        assertThat(http.get("/v1/namespaces/delta/agents?changedAfter=0").json().size()).isEqualTo(2);
        assertThat(http.get("/v1/namespaces/delta/agents?changedAfter=" + rev).json().size()).isZero();

        CompletableFuture<Http.Answer> waiting = CompletableFuture.supplyAsync(
                () -> http.get("/v1/agents?changedAfter=" + rev + "&index=" + rev + "&wait=30s"));
        await().atMost(Duration.ofSeconds(20)).until(() -> parked() >= 1);
        http.put("/v1/namespaces/delta/agents/d2/metadata/k", "{\"value\":\"v\"}");
        Http.Answer changed = waiting.get(20, TimeUnit.SECONDS);
        assertThat(changed.revision()).isGreaterThan(rev);
        assertThat(changed.json().size()).isEqualTo(1);
        assertThat(changed.json().get(0).path("name").asText()).isEqualTo("d2");
        assertThat(changed.json().get(0).path("revision").asLong()).isGreaterThan(rev);
        // Combined with the other filters, as any list.
        assertThat(http.get("/v1/namespaces/delta/agents?changedAfter=0&state=running").json().size()).isZero();
    }

    @Test
    void eventsLongPollStreamsChanges() throws Exception {
        long rev = http.get("/v1/namespaces").revision();
        CompletableFuture<Http.Answer> poll = CompletableFuture.supplyAsync(
                () -> http.get("/v1/events?after=" + rev + "&wait=30s"));
        await().atMost(Duration.ofSeconds(20)).until(() -> parked() >= 1);
        http.post("/v1/namespaces", "{\"name\":\"evt\"}");
        JsonNode page = poll.get(20, TimeUnit.SECONDS).json();
        assertThat(page.path("events").size()).isGreaterThanOrEqualTo(1);
        JsonNode e = page.path("events").get(0);
        assertThat(e.path("revision").asLong()).isGreaterThan(rev);
        assertThat(e.path("type").asText()).isEqualTo("NamespaceCreated");
        assertThat(e.path("namespace").asText()).isEqualTo("evt");
    }

    @Test
    void lastGivesTheNewestEventsAtOnceAndWhereToFollowThem() {
        for (String ns : List.of("last-a", "last-b", "last-c")) {
            assertThat(http.post("/v1/namespaces", "{\"name\":\"" + ns + "\"}").status()).isEqualTo(201);
        }
        Http.Answer a = http.get("/v1/events?last=2");
        assertThat(a.status()).isEqualTo(200);
        JsonNode events = a.json().path("events");
        assertThat(events.size()).isEqualTo(2);
        assertThat(events.get(0).path("namespace").asText()).isEqualTo("last-b");
        assertThat(events.get(1).path("namespace").asText()).isEqualTo("last-c");
        assertThat(events.get(1).path("type").asText()).isEqualTo("NamespaceCreated");
        long rev = a.json().path("revision").asLong();
        assertThat(rev).isEqualTo(a.revision()).isGreaterThanOrEqualTo(events.get(1).path("revision").asLong());
        // Following from there starts after them.
        assertThat(http.post("/v1/namespaces", "{\"name\":\"last-d\"}").status()).isEqualTo(201);
        JsonNode next = http.get("/v1/events?after=" + rev).json().path("events");
        assertThat(next.size()).isEqualTo(1);
        assertThat(next.get(0).path("namespace").asText()).isEqualTo("last-d");
    }

    @Test
    void staleReadsAnswerFromTheLocalReplica() {
        http.post("/v1/namespaces", "{\"name\":\"stale-ns\"}");
        assertThat(http.get("/v1/namespaces/stale-ns?stale=true").status()).isEqualTo(200);
    }

    @Test
    void clusterStatusAndHealthAndMetrics() {
        JsonNode s = http.get("/v1/cluster/status").json();
        assertThat(s.path("leader").asText()).isEqualTo("n1");
        assertThat(s.path("term").asLong()).isPositive();
        assertThat(s.path("members")).hasSize(1);
        assertThat(s.path("members").get(0).path("role").asText()).isEqualTo("leader");
        assertThat(http.get("/health/live").status()).isEqualTo(200);
        assertThat(http.get("/health/ready").status()).isEqualTo(200);
        Http.Answer m = http.get("/metrics");
        assertThat(m.status()).isEqualTo(200);
        assertThat(m.body()).contains("agentd_raft_term").contains("agentd_registry_revision");
    }

    @Test
    void metricsHaveHelpLatencyHistogramsAndJvmMetricsAndPassPromtool() throws Exception {
        http.get("/v1/namespaces/default/agents/metrics-probe"); // a 404: one error and one latency sample
        String body = http.get("/metrics").body();
        assertThat(body).doesNotContain("(no help");
        for (String line : body.lines().filter(l -> l.startsWith("# TYPE ")).toList()) {
            String name = line.split(" ")[2];
            assertThat(body).as(name).contains("# HELP " + name + " ");
        }
        assertThat(body).contains("agentd_http_request_duration_seconds_bucket{method=\"GET\","
                + "route=\"/v1/namespaces/{ns}/agents/{name}\",le=\"0.005\"}");
        assertThat(body).contains("agentd_http_errors_total{status=\"404\"}", "jvm_memory_used_bytes",
                "jvm_gc_collection_seconds", "jvm_threads_current");
        assertThat(body).doesNotContain("quantile=");
        assertThat(body).containsPattern("(?m)^ratis_\\w+ "); // Ratis' own, bridged
        assertThat(Promtool.check(body)).as("promtool check metrics").isEmpty();
    }
}
