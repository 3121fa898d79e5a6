package io.agentd.daemon.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Fast failover on real processes: with an election timeout of 6-8 s, a leader killed with
 * kill -9 is replaced well before any follower's timeout could fire (its connection closes, the
 * most up-to-date survivor stands at once), while a frozen leader (SIGSTOP: no connection closes)
 * is replaced only through the timeout, as before.
 */
class FastFailoverTest {
    private static final List<String> SLOW_ELECTIONS = List.of("--election-timeout-min", "6s", "--election-timeout-max", "8s");
    /** Well below the 6 s an election timeout takes at the least. */
    private static final Duration FAST = Duration.ofSeconds(4);

    @TempDir
    Path dir;

    @Test
    void aLeaderKilledWithSigkillIsReplacedBeforeAnyElectionTimeout() throws Exception {
        killedLeaderIsReplacedBeforeAnyElectionTimeout(null, CLIENT);
    }

    /** The same over TLS: the API, Raft and the followers' links to the leader's API all use it. */
    @Test
    void aLeaderKilledWithSigkillIsReplacedBeforeAnyElectionTimeoutOverTls() throws Exception {
        TestTls tls = TestTls.init(dir.resolve("tls"), "n1", "n2", "n3");
        killedLeaderIsReplacedBeforeAnyElectionTimeout(tls, tls.httpClient(Duration.ofSeconds(1)));
    }

    private void killedLeaderIsReplacedBeforeAnyElectionTimeout(TestTls tls, java.net.http.HttpClient client)
            throws Exception {
        try (Cluster c = new Cluster(dir, 3, SLOW_ELECTIONS, tls)) {
            ServerProcess leader = startAndFindLeader(c);
            List<ServerProcess> survivors = c.servers.stream().filter(s -> s != leader).toList();
            for (ServerProcess s : survivors) {
                assertThat(write(client, s, "before-" + s.id)).as("a write through %s before the kill", s.id).isEqualTo(201);
            }

            long t0 = System.nanoTime();
            leader.kill();
            // One prober per survivor, each write bounded by 1 s, so that a write held up on one
            // survivor does not delay the probe of the other.
            java.util.concurrent.CompletableFuture<String> first = new java.util.concurrent.CompletableFuture<>();
            List<Thread> probers = new java.util.ArrayList<>();
            for (ServerProcess s : survivors) {
                Thread t = new Thread(() -> {
                    for (int k = 0; !first.isDone() && System.nanoTime() - t0 < Cluster.eventually().toNanos(); k++) {
                        if (write(client, s, "after-" + s.id + "-" + k) == 201) {
                            first.complete(s.id);
                        } else {
                            pause(20);
                        }
                    }
                });
                t.setDaemon(true);
                t.start();
                probers.add(t);
            }
            String via;
            try {
                via = first.get(Cluster.eventually().toSeconds(), TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new AssertionError("no survivor took a write within " + Cluster.eventually() + c.logs(), e);
            }
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            for (Thread t : probers) {
                t.join(5_000);
            }
            System.out.printf("kill -9 of leader %s%s: first write through %s after %d ms%n", leader.id,
                    tls == null ? "" : " (TLS)", via, ms);
            assertThat(Duration.ofMillis(ms)).as("replaced without waiting out the election timeout%s", c.logs())
                    .isLessThan(FAST);
            assertThat(survivors.stream().map(ServerProcess::log))
                    .anyMatch(l -> l.contains("leader " + leader.id + " is gone; started an election at once"));
        }
    }

    @Test
    void aFrozenLeaderIsReplacedOnlyThroughTheElectionTimeout() throws Exception {
        try (Cluster c = new Cluster(dir, 3, SLOW_ELECTIONS)) {
            ServerProcess leader = startAndFindLeader(c);
            signal("STOP", leader.pid());
            try {
                await().atMost(Cluster.eventually()).pollInterval(Duration.ofMillis(200)).until(() ->
                        c.servers.stream().filter(s -> s != leader).anyMatch(s -> leaderSeenBy(s).map(
                                l -> !l.equals(leader.id)).orElse(false)));
                for (ServerProcess s : c.servers) {
                    if (s != leader) {
                        assertThat(Files.readString(s.dataDir.resolve("agentd.log")))
                                .as("a frozen leader closes no connection").doesNotContain("is gone");
                    }
                }
            } finally {
                signal("CONT", leader.pid());
            }
        }
    }

    private static ServerProcess startAndFindLeader(Cluster c) throws Exception {
        for (ServerProcess s : c.servers) {
            s.start();
        }
        await().atMost(Cluster.eventually()).until(() -> c.agreedLeader().isPresent()
                && c.servers.stream().allMatch(ServerProcess::ready));
        return c.byId(c.agreedLeader().orElseThrow());
    }

    private static java.util.Optional<String> leaderSeenBy(ServerProcess s) {
        try {
            Http.Answer a = s.http().get("/v1/cluster/status?stale=true");
            return a.status() == 200 ? java.util.Optional.ofNullable(a.json().path("leader").asText(null))
                    : java.util.Optional.empty();
        } catch (RuntimeException e) {
            return java.util.Optional.empty();
        }
    }

    private static final java.net.http.HttpClient CLIENT = java.net.http.HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(1)).build();

    /** One write (a namespace) with a 1 s bound; its status, or -1 when none came. */
    private static int write(java.net.http.HttpClient client, ServerProcess s, String namespace) {
        try {
            return client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(s.url() + "/v1/namespaces"))
                    .timeout(Duration.ofSeconds(1)).header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"name\":\"" + namespace + "\"}")).build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (java.io.IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void signal(String sig, long pid) throws Exception {
        Process p = new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).inheritIO().start();
        assertThat(p.waitFor()).isZero();
    }
}
