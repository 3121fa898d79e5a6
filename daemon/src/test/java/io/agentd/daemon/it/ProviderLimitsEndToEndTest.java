package io.agentd.daemon.it;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A provider limit the whole fleet shares, end to end on real processes: three servers, three
 * workers, 30 agents (examples/shell-agent.sh) that reserve through their worker's local API and
 * call a fake provider (an
 * HTTP server in this test that records every call and would answer 429 past the limit). Demand
 * is uneven: the agents of w1 and w2 call as fast as they may, those of w3 pause between calls and
 * ask for less than a third. The leader is killed with kill -9 half-way.
 *
 * <p>The provider sees no 60-second window over the limit (600) and no second over what the
 * buckets allow (docs/providers.md: a second of the rate plus what the buckets hold, 20, and one
 * request for each grant below 60 a minute); w3 gets what it asks and w1 and w2 split the rest
 * evenly, each within 10 % of its max-min fair share.
 */
class ProviderLimitsEndToEndTest {
    private static final int LIMIT = 600;
    private static final long MEASURE_FROM_S = 45;
    private static final long RUN_S = 135;
    private static final long KILL_AT_S = 80;

    @TempDir
    Path dir;

    /** The fake provider: when each call came, from which worker. */
    private record Call(long nanos, String worker) {
    }

    @Test
    void threeWorkersShareOneLimitFairlyThroughTheLeadersDeath() throws Exception {
        ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
        AtomicInteger refused = new AtomicInteger();
        HttpServer fake = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        fake.createContext("/call", ex -> {
            long now = System.nanoTime();
            String query = ex.getRequestURI().getQuery();
            String worker = query == null ? "?" : query.replace("w=", "");
            long recent = calls.stream().filter(c -> now - c.nanos() < 60_000_000_000L).count();
            int status = recent >= LIMIT ? 429 : 200;
            if (status == 429) {
                refused.incrementAndGet();
            }
            calls.add(new Call(now, worker));
            ex.sendResponseHeaders(status, -1);
            ex.close();
        });
        fake.start();
        String fakeUrl = "http://127.0.0.1:" + fake.getAddress().getPort() + "/call";
        List<WorkerProcess> workers = new ArrayList<>();
        try (Cluster c = new Cluster(dir, 3, List.of("--worker-ttl", "3000ms"))) {
            for (ServerProcess s : c.servers) {
                s.start();
            }
            await("a leader").atMost(Cluster.eventually()).until(() -> c.agreedLeader().isPresent());
            Http http = c.byId(c.agreedLeader().orElseThrow()).http();
            assertThat(http.post("/v1/cluster/feature-level", "{\"level\":3}").status()).isEqualTo(200);
            assertThat(http.put("/v1/providers/fake", "{\"requestsPerMinute\":" + LIMIT + "}").status()).isEqualTo(201);
            String servers = String.join(",", c.servers.stream().map(ServerProcess::url).toList());
            for (String id : List.of("w1", "w2", "w3")) {
                workers.add(new WorkerProcess(id, dir.resolve(id), servers,
                        List.of("--slots", "20", "--label", "w=" + id)).start());
            }
            for (WorkerProcess w : workers) {
                await(w.id + " registered").atMost(Cluster.eventually())
                        .until(() -> http.get("/v1/workers/" + w.id).status() == 200
                                && http.get("/v1/workers/" + w.id).json().path("capacitySlots").asInt() == 20);
            }
            int n = 0;
            for (String id : List.of("w1", "w2", "w3")) {
                int agents = id.equals("w3") ? 6 : 12;
                String pause = id.equals("w3") ? "4" : "0";
                for (int i = 0; i < agents; i++) {
                    assertThat(http.post("/v1/namespaces/default/agents", agent("a" + (n++), id, fakeUrl, pause))
                            .status()).isEqualTo(201);
                }
            }
            await("30 agents running").atMost(Cluster.eventually()).until(() -> {
                int running = 0;
                for (var a : http.get("/v1/namespaces/default/agents").json()) {
                    running += a.path("state").asText().equals("running") ? 1 : 0;
                }
                return running == 30;
            });
            long start = System.nanoTime();
            long killAt = start + KILL_AT_S * 1_000_000_000L;
            long end = start + RUN_S * 1_000_000_000L;
            boolean killed = false;
            String killedLeader = null;
            while (System.nanoTime() < end) {
                if (!killed && System.nanoTime() >= killAt) {
                    killedLeader = c.agreedLeader().orElse(null);
                    if (killedLeader != null) {
                        c.byId(killedLeader).kill();
                        killed = true;
                    }
                }
                Thread.sleep(200);
            }
            assertThat(killed).as("the leader was killed mid-run").isTrue();
            String logs = c.logs() + workers.stream().map(WorkerProcess::log).reduce("", String::concat);

            List<Call> all = new ArrayList<>(calls);
            long[] times = all.stream().mapToLong(Call::nanos).sorted().toArray();
            int worstMinute = worst(times, 60_000_000_000L);
            int worstSecond = worst(times, 1_000_000_000L);
            long from = start + MEASURE_FROM_S * 1_000_000_000L;
            Map<String, Integer> perWorker = new ConcurrentHashMap<>();
            for (Call call : all) {
                if (call.nanos() >= from && call.nanos() < end) {
                    perWorker.merge(call.worker(), 1, Integer::sum);
                }
            }
            double minutes = (RUN_S - MEASURE_FROM_S) / 60.0;
            double w1 = perWorker.getOrDefault("w1", 0) / minutes;
            double w2 = perWorker.getOrDefault("w2", 0) / minutes;
            double w3 = perWorker.getOrDefault("w3", 0) / minutes;
            // w3 asks for less than a third: its fair share is what it asks; w1 and w2 share the rest.
            double fair = (LIMIT * 60.0 / 61 - w3) / 2;
            String summary = String.format("calls %d, worst minute %d, worst second %d, refused by the provider %d;"
                            + " per minute from %d s: w1 %.1f, w2 %.1f, w3 %.1f; fair share of w1 and w2 %.1f; killed %s",
                    all.size(), worstMinute, worstSecond, refused.get(), MEASURE_FROM_S, w1, w2, w3, fair, killedLeader);
            System.out.println(summary);
            assertThat(worstMinute).as(summary + logs).isLessThanOrEqualTo(LIMIT);
            assertThat(refused.get()).as(summary).isZero();
            assertThat(worstSecond).as(summary).isLessThanOrEqualTo(2 * LIMIT / 60 + 3);
            assertThat(w3).as("w3 asks for less than a third: " + summary).isLessThan(LIMIT / 3.0);
            assertThat(w1).as("w1 within 10 % of its fair share: " + summary).isBetween(0.9 * fair, 1.1 * fair);
            assertThat(w2).as("w2 within 10 % of its fair share: " + summary).isBetween(0.9 * fair, 1.1 * fair);

            // agentctl provider get asks the new leader for the grants (the dead one refuses nothing: it is gone).
            io.agentd.cli.AgentctlRun get = io.agentd.cli.AgentctlRun.agentctl(Map.of("AGENTCTL_ADDR", servers),
                    "provider", "get", "fake");
            assertThat(get.exitCode()).as(get.err()).isZero();
            assertThat(get.out()).contains("Grants (leader ").containsPattern("w1 +default +\\d")
                    .containsPattern("w2 +default +\\d").containsPattern("w3 +default +\\d");
        } finally {
            for (WorkerProcess w : workers) {
                w.close();
            }
            fake.stop(0);
        }
    }

    /** The most calls in any window of {@code width} nanos. */
    private static int worst(long[] sorted, long width) {
        int worst = 0;
        int lo = 0;
        for (int hi = 0; hi < sorted.length; hi++) {
            while (sorted[hi] - sorted[lo] >= width) {
                lo++;
            }
            worst = Math.max(worst, hi - lo + 1);
        }
        return worst;
    }

    /**
     * An agent pinned to {@code worker} running examples/shell-agent.sh: reserve, call the fake
     * provider, commit, pause; forever.
     */
    private static String agent(String name, String worker, String fakeUrl, String pause) throws Exception {
        String script = Path.of("..", "examples", "shell-agent.sh").toAbsolutePath().normalize().toString();
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        return json.writeValueAsString(Map.of("name", name, "spec", Map.of("command", "/bin/sh",
                "args", List.of(script), "env", Map.of("PROVIDER", "fake", "PROVIDER_URL", fakeUrl, "PAUSE", pause),
                "constraints", Map.of("w", worker), "restart", "always")));
    }
}
