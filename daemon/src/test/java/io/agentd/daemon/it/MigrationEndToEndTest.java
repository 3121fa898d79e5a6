package io.agentd.daemon.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentd.cli.AgentctlRun;
import io.agentd.daemon.CoordinatorNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** agentctl migrate and worker drain --wait, against a real coordinator and workers played over the API. */
class MigrationEndToEndTest {
    @TempDir
    Path dir;

    @Test
    void migrateAndDrainMoveAgentsWithTheirCheckpoints() throws Exception {
        CoordinatorNode node = DevNode.start(dir);
        String url = DevNode.url(node);
        Map<String, String> env = Map.of("AGENTCTL_ADDR", node.httpAddress().toString());
        try (FakeWorker w1 = new FakeWorker(url, "w1"); FakeWorker w2 = new FakeWorker(url, "w2")) {
            assertThat(AgentctlRun.agentctl(env, "worker", "register", "w1", "--address", "127.0.0.1:1", "--slots", "4").exitCode()).isZero();
            for (String n : new String[] {"m1", "d1", "d2"}) {
                assertThat(AgentctlRun.agentctl(env, "spawn", n, "--cmd", "/bin/sleep").exitCode()).isZero();
            }
            assertThat(AgentctlRun.agentctl(env, "worker", "register", "w2", "--address", "127.0.0.1:2", "--slots", "4").exitCode()).isZero();
            Http http = new Http(url);
            long oldToken = http.get("/v1/namespaces/default/agents/m1").json().path("fencingToken").asLong();

            AgentctlRun migrate = AgentctlRun.agentctl(env, "migrate", "m1", "--to", "w2", "--wait",
                    "--wait-timeout", "60s", "-o", "json");
            assertThat(migrate.exitCode()).as(migrate.err()).isZero();
            JsonNode m1 = Http.JSON.readTree(migrate.out());
            assertThat(m1.path("worker").asText()).isEqualTo("w2");
            assertThat(m1.path("state").asText()).isEqualTo("running");
            assertThat(m1.path("fencingToken").asLong()).isGreaterThan(oldToken);
            assertThat(http.get("/v1/namespaces/default/agents/m1/checkpoint").json().path("data").asText())
                    .isEqualTo("{\"from\":\"w1\"}");

            AgentctlRun drain = AgentctlRun.agentctl(env, "worker", "drain", "w1", "--max-parallel", "1", "--wait",
                    "--deadline", "60s", "-o", "json");
            assertThat(drain.exitCode()).as(drain.err()).isZero();
            assertThat(Http.JSON.readTree(drain.out()).path("agents").asInt()).isZero();
            for (JsonNode a : http.get("/v1/namespaces/default/agents").json()) {
                assertThat(a.path("worker").asText()).isEqualTo("w2");
            }
            assertThat(http.get("/v1/workers/w1").json().path("state").asText()).isEqualTo("draining");
            assertThat(AgentctlRun.agentctl(env, "worker", "undrain", "w1").exitCode()).isZero();
            assertThat(http.get("/v1/workers/w1").json().path("state").asText()).isEqualTo("ready");
            // A migration to a worker that is not there is refused with a clear exit code.
            assertThat(AgentctlRun.agentctl(env, "migrate", "m1", "--to", "nowhere").exitCode()).isEqualTo(3);
        } finally {
            node.close();
        }
    }
}
