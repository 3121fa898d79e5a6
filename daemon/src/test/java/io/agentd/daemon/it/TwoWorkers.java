package io.agentd.daemon.it;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The scene of the worker fault tests: one real server with a short worker TTL, worker A running
 * every agent, worker B (started after the agents were placed) idle beside it, ready to take them
 * when A fails. A may reach the server through a proxy that can cut it off ({@link #link}).
 * Test bodies fault A and check what ran where; {@link #logs()} is what a failure should print.
 */
final class TwoWorkers implements AutoCloseable {
    /** Worker timings set by hand, so the tests' bounds do not depend on the derived ones. */
    static final List<String> WORKER_ARGS = List.of("--heartbeat-interval", "300ms", "--fence-margin", "1s");

    final Cluster cluster;
    final ServerProcess server;
    final Http http;
    final WorkerProcess a;
    final WorkerProcess b;
    final long ttlMs;
    /** A's way to the server when it goes through a proxy, else null. */
    final BlackholeProxy link;
    /** Each agent's fencing token while it ran on A. */
    final Map<String, Long> tokensOnA = new HashMap<>();

    /**
     * Starts the server, then A (through a proxy when {@code cutOffable}, else straight to the server),
     * spawns {@code agents} agents with {@code body(i)} as the request of agent i (all placed on A,
     * the only worker), then B; returns once they all run on A.
     */
    static TwoWorkers start(Path dir, long ttlMs, String aId, String bId, int slots, String stopGrace,
                            boolean cutOffable, int agents,
                            IntFunction<String> body) throws Exception {
        Cluster c = new Cluster(dir, 1, List.of("--worker-ttl", ttlMs + "ms"));
        ServerProcess server = c.get(0).start();
        await().atMost(Cluster.eventually()).until(server::ready);
        List<String> args = new java.util.ArrayList<>(WORKER_ARGS);
        args.addAll(List.of("--slots", Integer.toString(slots), "--stop-grace", stopGrace));
        BlackholeProxy link = cutOffable ? new BlackholeProxy(server.httpPort) : null;
        TwoWorkers t = new TwoWorkers(c, server, ttlMs, link,
                new WorkerProcess(aId, dir.resolve(aId), link != null ? link.url() : server.url(), args),
                new WorkerProcess(bId, dir.resolve(bId), server.url(), args));
        try {
            t.a.start();
            await().atMost(Cluster.eventually()).until(() -> t.http.get("/v1/workers/" + aId).status() == 200);
            for (int i = 0; i < agents; i++) {
                assertThat(t.http.post("/v1/namespaces/default/agents", body.apply(i)).status()).isEqualTo(201);
            }
            t.b.start();
            await().atMost(Cluster.eventually()).until(() -> t.http.get("/v1/workers/" + bId).status() == 200);
            await().atMost(Cluster.eventually()).until(() -> t.running(aId) == agents);
            for (JsonNode ag : t.http.get("/v1/namespaces/default/agents").json()) {
                t.tokensOnA.put(ag.path("name").asText(), ag.path("fencingToken").asLong());
            }
            return t;
        } catch (AssertionError | RuntimeException e) {
            String logs = t.logs();
            t.close();
            throw new AssertionError(e.getMessage() + logs, e);
        }
    }

    private TwoWorkers(Cluster cluster, ServerProcess server, long ttlMs, BlackholeProxy link, WorkerProcess a,
                       WorkerProcess b) {
        this.cluster = cluster;
        this.link = link;
        this.server = server;
        this.http = new Http(server.url());
        this.ttlMs = ttlMs;
        this.a = a;
        this.b = b;
    }

    /** Agents running on {@code worker}, as the coordinators see them. */
    int running(String worker) {
        return http.get("/v1/agents?worker=" + worker + "&state=running").json().size();
    }

    /** A worker's state word, as the coordinators see it. */
    String state(String worker) {
        return http.get("/v1/workers/" + worker).json().path("state").asText();
    }

    /** The server's and both workers' logs (tails), for a failure message. */
    String logs() {
        return cluster.logs() + "\n===== " + a.id + " =====\n" + a.log() + "\n===== " + b.id + " =====\n" + b.log();
    }

    @Override
    public void close() throws InterruptedException {
        try {
            a.close();
            b.close();
            if (link != null) {
                link.close();
            }
        } finally {
            cluster.close();
        }
    }
}
