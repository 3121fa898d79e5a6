package io.agentd.daemon.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Backpressure on real server processes, with bounds small enough to reach on purpose: past the
 * proposal queue or the requests a server holds, a write is answered 429 TOO_MANY_REQUESTS with a
 * Retry-After, never anything else; reads are still answered after writes are refused, and only
 * a higher bound sheds them; the health checks and the metrics are never shed.
 */
class OverloadTest {
    @TempDir
    Path dir;

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static String spawn(String name) {
        return "{\"name\":\"" + name + "\",\"spec\":{\"command\":\"sleep\",\"args\":[\"60\"]}}";
    }

    private static CompletableFuture<HttpResponse<String>> sendAsync(String url, String method, String path,
                                                                     String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return HTTP.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A gauge of the server's /metrics. */
    private static long gauge(Http http, String name) {
        double v = Http.metric(http.get("/metrics").body(), name);
        return Double.isNaN(v) ? -1 : (long) v;
    }

    private static void assertTooManyRequests(Http.Answer a, String mentions) {
        assertThat(a.status()).as(a.body()).isEqualTo(429);
        assertThat(a.errorCode()).isEqualTo("TOO_MANY_REQUESTS");
        assertThat(a.errorMessage()).contains(mentions);
        assertThat(a.headers().firstValue("Retry-After")).hasValueSatisfying(v ->
                assertThat(Long.parseLong(v)).isBetween(1L, 30L));
    }

    @Test
    void writesAreRefusedPastEachBoundWhileReadsGoOnUntilTheirOwn() throws Exception {
        // Two followers down: the last server standing has no quorum and commits nothing, so what it
        // admits stays held (a write until its Raft client gives up, a read until its request timeout).
        try (Cluster c = new Cluster(dir, 3, List.of("--max-queued-proposals", "4", "--max-inflight-requests", "16",
                "--request-timeout", "60s"))) {
            for (ServerProcess s : c.servers) {
                s.start();
            }
            String leaderId = await().atMost(Cluster.eventually()).until(() -> c.agreedLeader().orElse(null),
                    java.util.Objects::nonNull);
            ServerProcess leader = c.byId(leaderId);
            Http http = leader.http();
            assertThat(http.post("/v1/namespaces/default/agents", spawn("before")).status()).isEqualTo(201);
            for (ServerProcess s : c.servers) {
                if (s != leader) {
                    s.kill();
                }
            }
            try {
                // Once it has stepped down, nothing it holds fails early with "not leader".
                await().atMost(Cluster.eventually()).until(() -> gauge(http, "agentd_raft_is_leader") == 0);
                // One write in flight, four waiting for the next entry: the queue is full.
                List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    held.add(sendAsync(leader.url(), "POST", "/v1/namespaces/default/agents", spawn("w" + i)));
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> gauge(http, "agentd_proposals_queued") == 4);
                assertTooManyRequests(http.post("/v1/namespaces/default/agents", spawn("queue-full")),
                        "max-queued-proposals 4");
                assertThat(http.get("/v1/namespaces/default/agents/before?stale=true").status())
                        .as("a read while writes are refused").isEqualTo(200);

                // Reads that wait for a quorum are held too: at 12 held (three quarters of 16) writes
                // are refused by the server's own bound, reads still come in.
                for (int i = 0; i < 7; i++) {
                    held.add(sendAsync(leader.url(), "GET", "/v1/namespaces/default/agents/before", null));
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> gauge(http, "agentd_http_requests_held") == 12);
                assertTooManyRequests(http.post("/v1/namespaces/default/agents", spawn("held")),
                        "its limit for writes is 12");
                assertTooManyRequests(http.delete("/v1/namespaces/default/agents/before"),
                        "its limit for writes is 12");
                assertThat(http.get("/v1/namespaces/default/agents/before?stale=true").status()).isEqualTo(200);

                for (int i = 0; i < 4; i++) {
                    held.add(sendAsync(leader.url(), "GET", "/v1/namespaces/default/agents/before", null));
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> gauge(http, "agentd_http_requests_held") == 16);
                assertTooManyRequests(http.get("/v1/namespaces/default/agents/before?stale=true"),
                        "its limit for reads is 16");
                assertThat(http.get("/health/live").status()).as("health checks are never shed").isEqualTo(200);
                assertThat(http.get("/metrics").body()).contains("agentd_http_errors_total{status=\"429\"}");
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(e.getMessage() + c.logs(), e);
            }
        }
    }

    @Test
    void aBurstFarPastTheBoundsIsAnsweredWithSuccessesAndTooManyRequestsOnly() throws Exception {
        try (ServerProcess s = new ServerProcess("n1", dir.resolve("n1"),
                List.of("--max-queued-proposals", "8", "--max-inflight-requests", "32"))) {
            s.start();
            await().atMost(Cluster.eventually()).until(s::ready);
            Map<Integer, Integer> statuses = new TreeMap<>();
            List<String> badRefusals = new ArrayList<>();
            int sent = 0;
            // Bursts of 200 at once until some were refused (the first burst does it on any machine
            // this runs on; the bound keeps the loop finite all the same).
            for (int burst = 0; burst < 20 && !statuses.containsKey(429); burst++) {
                List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    answers.add(sendAsync(s.url(), "POST", "/v1/namespaces/default/agents", spawn("b" + sent++)));
                }
                for (CompletableFuture<HttpResponse<String>> f : answers) {
                    HttpResponse<String> r = f.join();
                    statuses.merge(r.statusCode(), 1, Integer::sum);
                    if (r.statusCode() == 429 && (r.headers().firstValue("Retry-After").isEmpty()
                            || !r.body().contains("TOO_MANY_REQUESTS"))) {
                        badRefusals.add(r.headers().map() + " " + r.body());
                    }
                }
            }
            assertThat(statuses.keySet()).as("answers by status: " + statuses + s.log()).containsOnly(201, 429);
            assertThat(statuses.get(201)).isPositive();
            assertThat(badRefusals).isEmpty();
            // What was admitted was applied, and the server takes writes again.
            assertThat(s.http().post("/v1/namespaces/default/agents", spawn("after")).status()).isEqualTo(201);
            assertThat(s.http().get("/v1/agents?limit=10000").json().size())
                    .isEqualTo(statuses.get(201) + 1);
        }
    }

    @Test
    void writesThatWouldWaitPastTheDelayTargetAreRefusedAndNotApplied() throws Exception {
        // A 1 ms target: any queue of spawns stands past it, while the count bounds are far away.
        try (ServerProcess s = new ServerProcess("n1", dir.resolve("n1"), List.of("--write-delay-target", "1ms",
                "--max-queued-proposals", "100000", "--max-inflight-requests", "100000"))) {
            s.start();
            await().atMost(Cluster.eventually()).until(s::ready);
            assertThat(s.http().post("/v1/namespaces/default/agents", spawn("first")).status())
                    .as("a write answered: how long one takes is known").isEqualTo(201);
            Map<Integer, Integer> statuses = new TreeMap<>();
            List<String> refused = new ArrayList<>();
            List<String> created = new ArrayList<>();
            List<String> other = new ArrayList<>();
            int sent = 0;
            for (int burst = 0; burst < 20 && refused.isEmpty(); burst++) {
                Map<String, CompletableFuture<HttpResponse<String>>> answers = new java.util.LinkedHashMap<>();
                for (int i = 0; i < 300; i++) {
                    String name = "d" + sent++;
                    answers.put(name, sendAsync(s.url(), "POST", "/v1/namespaces/default/agents", spawn(name)));
                }
                for (Map.Entry<String, CompletableFuture<HttpResponse<String>>> e : answers.entrySet()) {
                    HttpResponse<String> r = e.getValue().join();
                    statuses.merge(r.statusCode(), 1, Integer::sum);
                    if (r.statusCode() == 201) {
                        created.add(e.getKey());
                    } else if (r.statusCode() == 429 && r.body().contains("writes wait too long")
                            && r.body().contains("write-delay-target")
                            && r.headers().firstValue("Retry-After").map(Long::parseLong).orElse(0L) >= 1) {
                        refused.add(e.getKey());
                    } else {
                        other.add(r.statusCode() + " " + r.headers().map() + " " + r.body());
                    }
                }
            }
            assertThat(other).as("answers by status: " + statuses + s.log()).isEmpty();
            assertThat(refused).as("refused for their wait, of " + sent + s.log()).isNotEmpty();
            assertThat(created).isNotEmpty();
            assertThat(Http.metric(s.http().get("/metrics").body(), "agentd_http_writes_shed_for_delay_total"))
                    .isEqualTo(refused.size());
            // A refused write was not acted on; an admitted one was.
            for (String name : refused.subList(0, Math.min(20, refused.size()))) {
                assertThat(s.http().get("/v1/namespaces/default/agents/" + name).status()).as(name).isEqualTo(404);
            }
            assertThat(s.http().get("/v1/agents?limit=100000").json().size()).isEqualTo(created.size() + 1);
        }
    }
}
