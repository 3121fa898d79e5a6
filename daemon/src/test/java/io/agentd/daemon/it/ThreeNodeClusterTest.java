package io.agentd.daemon.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real 3-server cluster on loopback: writes through a follower, kill -9 of the leader,
 * writes through the survivors, restart of the killed node, and every acknowledged
 * write present on all three.
 */
class ThreeNodeClusterTest {
    @TempDir
    Path dir;

    private static String spawn(String name) {
        return "{\"name\":\"" + name + "\",\"spec\":{\"command\":\"/bin/true\"}}";
    }

    @Test
    void acknowledgedWritesSurviveLeaderKillAndReachEveryNode() throws Exception {
        try (Cluster c = new Cluster(dir, 3, List.of())) {
            for (ServerProcess s : c.servers) {
                s.start();
            }
            try {
                await().atMost(Cluster.eventually()).until(() -> c.agreedLeader().isPresent());
                String leaderId = c.agreedLeader().orElseThrow();
                ServerProcess leader = c.byId(leaderId);
                ServerProcess follower = c.servers.stream().filter(s -> s != leader).findFirst().orElseThrow();

                Set<String> acked = ConcurrentHashMap.newKeySet();
                // Writes through a follower are forwarded to the leader.
                for (int i = 0; i < 20; i++) {
                    Http.Answer a = new Http(follower.url()).post("/v1/namespaces/default/agents", spawn("before-" + i));
                    assertThat(a.status()).as(a.body()).isEqualTo(201);
                    acked.add("before-" + i);
                }

                // Keep writing from two threads through the survivors while the leader is killed.
                List<ServerProcess> survivors = c.servers.stream().filter(s -> s != leader).toList();
                AtomicBoolean run = new AtomicBoolean(true);
                AtomicInteger counter = new AtomicInteger();
                List<Thread> writers = new ArrayList<>();
                for (int t = 0; t < 2; t++) {
                    ServerProcess target = survivors.get(t);
                    Thread th = new Thread(() -> {
                        Http h = new Http(target.url());
                        long end = System.nanoTime() + 120_000_000_000L;
                        while (run.get() && System.nanoTime() < end) {
                            String name = "during-" + counter.incrementAndGet();
                            try {
                                Http.Answer a = h.post("/v1/namespaces/default/agents", spawn(name),
                                        "Idempotency-Key", name);
                                if (a.status() == 201 || a.status() == 200) {
                                    acked.add(name);
                                }
                            } catch (RuntimeException e) {
                                // unacknowledged: may or may not be there
                            }
                        }
                    });
                    th.start();
                    writers.add(th);
                }
                await().atMost(Cluster.eventually()).until(() -> acked.size() >= 40);
                // A leader's /metrics, Ratis' view of its followers included, passes promtool (a side
                // check: without promtool this test still tests what it is for, and ApiTest skips).
                if (Promtool.available()) {
                    assertThat(Promtool.check(new Http(leader.url()).get("/metrics").body())).isEmpty();
                }
                leader.kill();
                int atKill = acked.size();
                await().atMost(Cluster.eventually()).until(() -> acked.size() >= atKill + 30);
                run.set(false);
                for (Thread th : writers) {
                    th.join(60_000);
                }

                // Restart the killed node; it catches up.
                leader.start();
                for (ServerProcess s : c.servers) {
                    await().atMost(Cluster.eventually()).until(s::ready);
                }
                for (ServerProcess s : c.servers) {
                    await().atMost(Cluster.eventually()).ignoreExceptions().untilAsserted(() -> {
                        Http.Answer list = new Http(s.url()).get("/v1/namespaces/default/agents?stale=true");
                        Set<String> names = ConcurrentHashMap.newKeySet();
                        list.json().forEach(a -> names.add(a.path("name").asText()));
                        assertThat(names).as("on " + s.id).containsAll(acked);
                    });
                }
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(e.getMessage() + c.logs(), e);
            }
        }
    }
}
