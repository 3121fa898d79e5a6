package io.agentd.daemon.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentd.daemon.CoordinatorNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Worker leases: renewals keep a worker, silence for a TTL expires it and its agents move on. */
class WorkerLeaseTest {
    @TempDir
    Path dir;

    private static void heartbeatLoop(Http http, String worker, AtomicBoolean run) {
        Thread t = new Thread(() -> {
            long end = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (run.get() && System.nanoTime() < end) {
                try {
                    http.post("/v1/workers/" + worker + "/heartbeat", "{}");
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    // keep renewing
                }
            }
        }, "heartbeat-" + worker);
        t.setDaemon(true);
        t.start();
    }

    @Test
    void silentWorkersExpireAfterTheTtlAndTheirAgentsMoveWithLargerTokens() throws Exception {
        long ttlMs = 1500;
        CoordinatorNode node = DevNode.start(dir, c -> c.workerTtl = Duration.ofMillis(ttlMs));
        AtomicBoolean w1Alive = new AtomicBoolean(true);
        AtomicBoolean w2Alive = new AtomicBoolean(true);
        try {
            Http http = new Http(DevNode.url(node));
            assertThat(http.post("/v1/workers", "{\"id\":\"w1\",\"address\":\"127.0.0.1:1\",\"capacitySlots\":4}").status()).isEqualTo(201);
            Http.Answer hb = http.post("/v1/workers/w1/heartbeat", "{}");
            assertThat(hb.status()).as(hb.body()).isEqualTo(200);
            assertThat(hb.json().path("leaseTtlMs").asLong()).isEqualTo(ttlMs);
            heartbeatLoop(http, "w1", w1Alive);
            for (int i = 0; i < 4; i++) {
                assertThat(http.post("/v1/namespaces/default/agents",
                        "{\"name\":\"l" + i + "\",\"spec\":{\"command\":\"/bin/true\"}}").status()).isEqualTo(201);
            }
            assertThat(http.post("/v1/workers", "{\"id\":\"w2\",\"address\":\"127.0.0.1:2\",\"capacitySlots\":4}").status()).isEqualTo(201);
            heartbeatLoop(http, "w2", w2Alive);
            Map<String, Long> tokens = new HashMap<>();
            for (JsonNode a : http.get("/v1/namespaces/default/agents").json()) {
                assertThat(a.path("worker").asText()).isEqualTo("w1");
                tokens.put(a.path("name").asText(), a.path("fencingToken").asLong());
            }

            // Renewals keep both workers through several TTLs.
            Thread.sleep(3 * ttlMs);
            assertThat(http.get("/v1/workers/w1").json().path("state").asText()).isEqualTo("ready");

            // w1 goes silent: within TTL + 2 s it is down and its agents run on w2 with larger tokens.
            w1Alive.set(false);
            long silentAt = System.nanoTime();
            await().atMost(Duration.ofMillis(ttlMs + 2000)).pollInterval(Duration.ofMillis(50))
                    .until(() -> http.get("/v1/workers/w1").json().path("state").asText().equals("down"));
            assertThat(Duration.ofNanos(System.nanoTime() - silentAt).toMillis()).isGreaterThanOrEqualTo(ttlMs - 250);
            for (JsonNode a : http.get("/v1/namespaces/default/agents").json()) {
                assertThat(a.path("worker").asText()).isEqualTo("w2");
                assertThat(a.path("fencingToken").asLong()).isGreaterThan(tokens.get(a.path("name").asText()));
            }
            assertThat(http.get("/v1/workers/w2").json().path("state").asText()).isEqualTo("ready");

            // The expired worker's renewals are refused until it registers again.
            Http.Answer late = http.post("/v1/workers/w1/heartbeat", "{}");
            assertThat(late.status()).isEqualTo(409);
            assertThat(late.errorMessage()).contains("register again");
            assertThat(http.post("/v1/workers", "{\"id\":\"w1\",\"address\":\"127.0.0.1:1\",\"capacitySlots\":4}").status()).isEqualTo(200);
            assertThat(http.post("/v1/workers/w1/heartbeat", "{}").status()).isEqualTo(200);
            assertThat(http.post("/v1/workers/nobody/heartbeat", "{}").status()).isEqualTo(404);
        } finally {
            w1Alive.set(false);
            w2Alive.set(false);
            node.close();
        }
    }

    @Test
    void renewalsGetTheSameAnswersOnTheFastPathAndTheGeneralRoute() throws Exception {
        CoordinatorNode node = DevNode.start(dir, c -> c.workerTtl = Duration.ofSeconds(30));
        try {
            Http http = new Http(DevNode.url(node));
            assertThat(http.post("/v1/workers", "{\"id\":\"w-1.a\",\"address\":\"127.0.0.1:1\",\"capacitySlots\":4}").status()).isEqualTo(201);
            // "{}" and an empty body take the fast path; any other body, a query or an encoded id the route.
            Http.Answer fast = http.post("/v1/workers/w-1.a/heartbeat", "{}");
            Http.Answer empty = http.post("/v1/workers/w-1.a/heartbeat", "");
            Http.Answer routed = http.post("/v1/workers/w-1.a/heartbeat", "{\"providers\":[]}");
            Http.Answer query = http.post("/v1/workers/w-1.a/heartbeat?x=1", "{}");
            for (Http.Answer a : java.util.List.of(fast, empty, routed, query)) {
                assertThat(a.status()).as(a.body()).isEqualTo(200);
                assertThat(a.json().path("worker").asText()).isEqualTo("w-1.a");
                assertThat(a.json().path("state").asText()).isEqualTo("ready");
                assertThat(a.json().path("leaseTtlMs").asLong()).isEqualTo(30_000);
                assertThat(fieldNames(a)).isEqualTo(fieldNames(routed));
            }
            assertThat(http.post("/v1/workers/w-1.a/heartbeat", "{").status()).isEqualTo(400);
            assertThat(http.post("/v1/workers/bad%20id/heartbeat", "{}").status()).isEqualTo(400);
            Http.Answer unknown = http.post("/v1/workers/nobody/heartbeat", "{}");
            assertThat(unknown.status()).isEqualTo(404);
            assertThat(unknown.errorMessage()).contains("register it first");
            assertThat(http.get("/metrics").body()).contains("agentd_http_heartbeats_total");
        } finally {
            node.close();
        }
    }

    private static java.util.List<String> fieldNames(Http.Answer a) {
        java.util.List<String> names = new java.util.ArrayList<>();
        a.json().fieldNames().forEachRemaining(names::add);
        return names;
    }
}
