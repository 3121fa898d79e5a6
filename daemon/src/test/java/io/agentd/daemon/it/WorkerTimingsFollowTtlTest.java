package io.agentd.daemon.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentd.client.ApiDurations;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The worker's lease timings follow the TTL the coordinators announce: a worker with default
 * flags runs agents under any worker-ttl, and one whose timings set by hand cannot fit the TTL
 * exits non-zero naming them, and is never offered an agent.
 */
class WorkerTimingsFollowTtlTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "worker-ttl {0}")
    @ValueSource(strings = {"2s", "3s", "10s"})
    void aWorkerWithDefaultFlagsRunsAgentsUnderThisTtl(String ttl) throws Exception {
        Duration ttlDuration = ApiDurations.parse(ttl);
        try (Cluster c = new Cluster(dir, 1, List.of("--worker-ttl", ttl))) {
            ServerProcess server = c.get(0).start();
            try (WorkerProcess w = new WorkerProcess("w", dir.resolve("w"), server.url(), List.of())) {
                try {
                    await().atMost(Cluster.eventually()).until(server::ready);
                    Http http = new Http(server.url());
                    w.start();
                    // Offered its 8 default slots once a renewal has told it the TTL and its timings fit.
                    await().atMost(Cluster.eventually()).until(() -> http.get("/v1/workers/w").status() == 200
                            && http.get("/v1/workers/w").json().path("capacitySlots").asInt() == 8);
                    for (int i = 0; i < 3; i++) {
                        Http.Answer a = http.post("/v1/namespaces/default/agents", "{\"name\":\"t" + i
                                + "\",\"spec\":{\"command\":\"/bin/sh\",\"args\":[\"-c\",\"exec sleep 600\"]}}");
                        assertThat(a.status()).as(a.body()).isEqualTo(201);
                    }
                    // Started at once: a blocking query waits up to 30 s, so a start that late would be
                    // a watcher that missed its registration's full list.
                    await().atMost(Duration.ofSeconds(15)).until(() -> running(http).size() == 3);
                    Map<String, Long> tokens = running(http);
                    // They keep running for two TTLs more: renewed in time, never fenced nor restarted.
                    Thread.sleep(ttlDuration.multipliedBy(2).toMillis());
                    assertThat(running(http)).isEqualTo(tokens);
                    for (JsonNode a : http.get("/v1/agents?worker=w").json()) {
                        assertThat(a.path("restarts").asInt()).as(a.path("name").asText()).isZero();
                    }
                    assertThat(w.log()).contains("lease TTL " + ttlDuration.toMillis() + " ms: renewals every")
                            .doesNotContain("ERROR").doesNotContain("fenced").doesNotContain("fencing")
                            .doesNotContain("not starting");
                } catch (AssertionError | RuntimeException e) {
                    throw new AssertionError(e.getMessage() + c.logs() + "\n===== worker =====\n" + w.log(), e);
                }
            }
        }
    }

    @Test
    void timingsSetByHandThatCannotFitTheTtlEndTheWorkerWithAMessageNamingThem() throws Exception {
        try (Cluster c = new Cluster(dir, 1, List.of("--worker-ttl", "3s"))) {
            ServerProcess server = c.get(0).start();
            try (WorkerProcess w = new WorkerProcess("w", dir.resolve("w"), server.url(),
                    List.of("--fence-margin", "1s", "--stop-grace", "2s"))) {
                try {
                    await().atMost(Cluster.eventually()).until(server::ready);
                    Http http = new Http(server.url());
                    Http.Answer a = http.post("/v1/namespaces/default/agents",
                            "{\"name\":\"waits\",\"spec\":{\"command\":\"/bin/sh\",\"args\":[\"-c\",\"exec sleep 600\"]}}");
                    assertThat(a.status()).as(a.body()).isEqualTo(201);
                    w.start();
                    assertThat(w.awaitExit(60)).as("the worker's exit code").isEqualTo(2);
                    assertThat(w.log()).contains("worker-ttl of 3000 ms leaves no time to run agents")
                            .contains("--fence-margin 1000ms").contains("--stop-grace 2000ms");
                    // It registered (without capacity) to learn the TTL, and was never given the agent.
                    JsonNode worker = http.get("/v1/workers/w").json();
                    assertThat(worker.path("capacitySlots").asInt()).isZero();
                    JsonNode agent = http.get("/v1/namespaces/default/agents/waits").json();
                    assertThat(agent.path("state").asText()).isEqualTo("pending");
                    assertThat(agent.path("history")).isEmpty();
                } catch (AssertionError | RuntimeException e) {
                    throw new AssertionError(e.getMessage() + c.logs() + "\n===== worker =====\n" + w.log(), e);
                }
            }
        }
    }

    /** The running agents of worker w and their fencing tokens. */
    private static Map<String, Long> running(Http http) {
        Map<String, Long> out = new HashMap<>();
        for (JsonNode a : http.get("/v1/agents?worker=w&state=running").json()) {
            out.put(a.path("name").asText(), a.path("fencingToken").asLong());
        }
        return out;
    }
}
