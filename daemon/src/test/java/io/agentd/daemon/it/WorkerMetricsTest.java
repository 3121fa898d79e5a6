package io.agentd.daemon.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real worker's /metrics on its local API: its agents by state, its lease, and promtool's approval. */
class WorkerMetricsTest {
    @TempDir
    Path dir;

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aWorkersMetricsCountItsAgentsAndItsLeaseAndPassPromtool() throws Exception {
        int http = Ports.free();
        int local = Ports.free();
        Process server = new ProcessBuilder(ChildJvm.agentd("256m", "server", "--node-id", "n1",
                "--data-dir", dir.resolve("n1").toString(), "--http-addr", "127.0.0.1:" + http,
                "--raft-addr", "127.0.0.1:" + Ports.free(), "--insecure", "true"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile()).start();
        Process worker = null;
        try {
            worker = new ProcessBuilder(ChildJvm.agentd("128m", "worker", "--worker-id", "w1",
                    "--servers", "http://127.0.0.1:" + http, "--data-dir", dir.resolve("w1").toString(),
                    "--local-api", "127.0.0.1:" + local))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("worker.log").toFile()).start();
            String metrics = "http://127.0.0.1:" + local + "/metrics";
            Awaitility.await().atMost(Duration.ofSeconds(90)).ignoreExceptions()
                    .until(() -> Http.metric(get(metrics).body(), "agentd_worker_lease_remaining_seconds") > 0);
            HttpResponse<String> spawned = HTTP.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + http + "/v1/namespaces/default/agents"))
                    .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"name\":\"m1\",\"spec\":{\"command\":\"sleep\",\"args\":[\"120\"]}}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(spawned.statusCode()).as(spawned.body()).isEqualTo(201);
            Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> Http.metric(get(metrics).body(), "agentd_worker_agents{state=\"running\"}") == 1);

            HttpResponse<String> page = get(metrics);
            assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
            String body = page.body();
            assertThat(Http.metric(body, "agentd_worker_slots")).isEqualTo(8);
            assertThat(Http.metric(body, "agentd_worker_restarts_total")).isZero();
            assertThat(Http.metric(body, "agentd_worker_fenced_agents_total")).isZero();
            assertThat(body).contains("# HELP agentd_worker_agents ", "jvm_memory_used_bytes");
            assertThat(Promtool.check(body)).as("promtool check metrics").isEmpty();
        } finally {
            if (worker != null) {
                worker.destroy();
                worker.waitFor(30, TimeUnit.SECONDS);
                worker.destroyForcibly();
            }
            server.destroy();
            server.waitFor(30, TimeUnit.SECONDS);
            server.destroyForcibly();
        }
    }
}
