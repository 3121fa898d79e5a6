package io.agentd.daemon.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentd.daemon.CoordinatorNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Lease renewals that report provider demand, on a real node with a short lease TTL (3 s): a new
 * leader learns for one lease period and a margin, then answers the worker's share.
 */
class ProviderGrantsApiTest {
    @TempDir
    Path dir;
    CoordinatorNode node;
    Http http;

    @BeforeEach
    void start() throws Exception {
        node = DevNode.start(dir, c -> c.workerTtl = Duration.ofSeconds(3));
        http = new Http(DevNode.url(node));
        assertThat(http.post("/v1/cluster/feature-level", "{\"level\":3}").status()).isEqualTo(200);
    }

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void aHeartbeatWithDemandIsAnsweredWithGrantsOnceTheTermHasLearned() {
        assertThat(http.put("/v1/providers/fleet", "{\"requestsPerMinute\":120}").status()).isBetween(200, 201);
        assertThat(http.post("/v1/workers", "{\"id\":\"g1\",\"address\":\"127.0.0.1:1\",\"capacitySlots\":1}")
                .status()).isBetween(200, 201);
        String report = "{\"providers\":[{\"provider\":\"fleet\",\"namespace\":\"default\",\"requestsPerMinute\":500,"
                + "\"tokensPerMinute\":0,\"concurrent\":0,\"heldRequestsPerMinute\":0}]}";
        // A new leader first grants no more than a worker holds (here nothing), for one lease
        // period and a margin; then the worker's share of the limit.
        double[] granted = new double[1];
        org.awaitility.Awaitility.await("a grant").atMost(java.time.Duration.ofSeconds(60))
                .pollInterval(java.time.Duration.ofMillis(500)).until(() -> {
                    Http.Answer a = http.post("/v1/workers/g1/heartbeat", report);
                    assertThat(a.status()).as(a.body()).isEqualTo(200);
                    JsonNode grants = a.json().path("grants");
                    granted[0] = grants.size() == 1 ? grants.get(0).path("requestsPerMinute").asDouble() : 0;
                    return granted[0] > 0;
                });
        // Alone, it gets all it may: what keeps a second of burst within the limit.
        assertThat(granted[0]).isCloseTo(120 * 60.0 / 61, org.assertj.core.data.Offset.offset(1e-6));

        JsonNode shares = http.get("/v1/providers/fleet/grants").json();
        assertThat(shares.path("learning").asBoolean()).isFalse();
        assertThat(shares.path("workers")).singleElement().satisfies(w -> {
            assertThat(w.path("worker").asText()).isEqualTo("g1");
            assertThat(w.path("requestsPerMinute").asDouble()).isCloseTo(granted[0], org.assertj.core.data.Offset.offset(1e-6));
            assertThat(w.path("askedRequestsPerMinute").asDouble()).isEqualTo(500);
        });
        assertThat(http.get("/v1/providers/nosuch/grants").status()).isEqualTo(404);

        Http.Answer bad = http.post("/v1/workers/g1/heartbeat", "{\"providers\":[{\"provider\":\"fleet\","
                + "\"namespace\":\"default\",\"requestsPerMinute\":-1,\"tokensPerMinute\":0,\"concurrent\":0,"
                + "\"heldRequestsPerMinute\":0}]}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.errorMessage()).contains("providers[0].requestsPerMinute");
        Http.Answer plain = http.post("/v1/workers/g1/heartbeat", "{}");
        assertThat(plain.json().has("grants")).as("no demand, no grants field").isFalse();
    }
}
