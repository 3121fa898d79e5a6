package io.agentd.daemon.it;

import io.agentd.cli.AgentctlRun;
import io.agentd.daemon.CoordinatorNode;
import io.agentd.daemon.config.RequestRate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code token-rate-limit} on a server with authentication: a token past its role's rate gets
 * 429 TOO_MANY_REQUESTS with a Retry-After, and is served again once that time has passed; other
 * tokens, and roles not named, are not held back by it; agentctl exits 5 and says when to retry.
 */
class TokenRateLimitTest {
    @TempDir
    Path dir;

    @Test
    void aTokenPastItsRateIsToldWhenToComeBackAndOthersAreNotHeldBack() throws Exception {
        Path secretFile = dir.resolve("admin-token");
        String adminSecret = "agd_test_" + "r".repeat(40);
        Files.writeString(secretFile, adminSecret + "\n");
        CoordinatorNode node = DevNode.start(dir.resolve("n1"), c -> {
            c.insecure = false;
            c.bootstrapTokenFile = secretFile;
            c.tokenRateLimit = new java.util.TreeMap<>(Map.of("reader", RequestRate.parse("5/s"),
                    "operator", RequestRate.parse("2/m")));
            c.tokenRateBurst = Duration.ofSeconds(1);
        });
        try {
            Http admin = new Http(DevNode.url(node)).as(adminSecret);
            await().atMost(Duration.ofSeconds(60)).until(() -> admin.get("/v1/tokens/self").status() == 200);
            String reader1 = admin.post("/v1/tokens", "{\"role\":\"reader\"}").json().path("secret").asText();
            String reader2 = admin.post("/v1/tokens", "{\"role\":\"reader\"}").json().path("secret").asText();
            Http r1 = admin.as(reader1);

            Http.Answer refused = null;
            int served = 0;
            for (int i = 0; i < 50 && refused == null; i++) {
                Http.Answer a = r1.get("/v1/namespaces");
                if (a.status() == 429) {
                    refused = a;
                } else {
                    assertThat(a.status()).isEqualTo(200);
                    served++;
                }
            }
            assertThat(refused).as("a reader past 5/s").isNotNull();
            // The burst (5) and what refilled while they were sent; never many more.
            assertThat(served).isBetween(5, 15);
            assertThat(refused.errorCode()).isEqualTo("TOO_MANY_REQUESTS");
            assertThat(refused.errorMessage()).contains("past its rate of 5/s", "reader");
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");

            assertThat(admin.as(reader2).get("/v1/namespaces").status()).as("another token").isEqualTo(200);
            for (int i = 0; i < 20; i++) {
                assertThat(admin.get("/v1/namespaces").status()).as("admin tokens are not capped").isEqualTo(200);
            }

            // agentctl waits out a short Retry-After itself (within its timeout) ...
            Map<String, String> env = Map.of("AGENTCTL_ADDR", DevNode.url(node), "AGENTCTL_TOKEN", reader1);
            for (int i = 0; i < 10; i++) {
                r1.get("/v1/namespaces");
            }
            AgentctlRun patient = AgentctlRun.agentctl(env, "namespace", "list", "--timeout", "10s");
            assertThat(patient.exitCode()).as(patient.err()).isZero();
            // ... and exits 5 saying when to retry when the wait is longer than its timeout (an
            // operator at 2/m may send one request, then one every 30 s).
            String operator = admin.post("/v1/tokens", "{\"role\":\"operator\"}").json().path("secret").asText();
            Map<String, String> asOperator = Map.of("AGENTCTL_ADDR", DevNode.url(node), "AGENTCTL_TOKEN", operator);
            assertThat(AgentctlRun.agentctl(asOperator, "namespace", "list").exitCode()).isZero();
            AgentctlRun hurried = AgentctlRun.agentctl(asOperator, "namespace", "list", "--timeout", "5s");
            assertThat(hurried.exitCode()).as(hurried.err()).isEqualTo(5);
            assertThat(hurried.err()).contains("agentctl: TOO_MANY_REQUESTS: ")
                    .containsPattern("agentctl: too many requests at " + node.httpAddress()
                            + "; retry after (29|30)s");

            await().atMost(Duration.ofSeconds(10)).until(() -> r1.get("/v1/namespaces").status() == 200);
        } finally {
            node.close();
        }
    }
}
