package io.agentd.daemon.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * jepsen-tests finding #6 on demand: the leader is frozen (SIGSTOP) for longer than the worker
 * TTL, the others elect a new leader and the workers renew there, then the old leader wakes up
 * still believing it leads, with every lease it tracked long run out. It must expire nobody: no
 * worker goes down, no agent moves, no agent runs on two workers at once.
 */
class DeposedLeaderTest {
    private static final long TTL_MS = 3000;

    @TempDir
    Path dir;

    private static void signal(String sig, long pid) throws Exception {
        Process p = new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).inheritIO().start();
        assertThat(p.waitFor()).isZero();
    }

    /** The leader {@code s} names, or null (no answer, no leader known). */
    private static String leaderSeenBy(ServerProcess s) {
        try {
            Http.Answer a = new Http(s.url()).get("/v1/cluster/status");
            String l = a.status() == 200 ? a.json().path("leader").asText("") : "";
            return l.isEmpty() ? null : l;
        } catch (RuntimeException e) {
            return null;
        }
    }

    @Test
    void aLeaderFrozenPastTheTtlExpiresNobodyWhenItWakesUpDeposed() throws Exception {
        Path runlog = Files.createDirectories(dir.resolve("runlog"));
        try (Cluster c = new Cluster(dir, 3, List.of("--worker-ttl", TTL_MS + "ms"))) {
            c.servers.forEach(s -> {
                try {
                    s.start();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            StringJoiner urls = new StringJoiner(",");
            c.servers.forEach(s -> urls.add(s.url()));
            List<String> args = List.of("--slots", "10", "--heartbeat-interval", "300ms", "--fence-margin", "1s",
                    "--stop-grace", "500ms");
            List<WorkerProcess> workers = List.of(
                    new WorkerProcess("wa", dir.resolve("wa"), urls.toString(), args),
                    new WorkerProcess("wb", dir.resolve("wb"), urls.toString(), args),
                    new WorkerProcess("wc", dir.resolve("wc"), urls.toString(), args));
            ServerProcess old = null;
            boolean frozen = false;
            try {
                String leaderId = await().atMost(Cluster.eventually()).until(() -> c.agreedLeader().orElse(null),
                        java.util.Objects::nonNull);
                old = c.byId(leaderId);
                ServerProcess follower = c.servers.stream().filter(s -> !s.id.equals(leaderId)).findFirst().orElseThrow();
                Http http = new Http(follower.url());
                for (WorkerProcess w : workers) {
                    w.start();
                    await().atMost(Cluster.eventually()).until(() -> http.get("/v1/workers/" + w.id).status() == 200);
                }
                for (int i = 0; i < 6; i++) {
                    String body = "{\"name\":\"d" + i + "\",\"spec\":{\"command\":\"/bin/bash\",\"args\":[\"-c\",\""
                            + RunLog.agentScript(runlog) + "\"]}}";
                    assertThat(http.post("/v1/namespaces/default/agents", body).status()).isEqualTo(201);
                }
                await().atMost(Cluster.eventually()).ignoreExceptions().until(() -> running(http) == 6);

                signal("STOP", old.pid());
                frozen = true;
                long stoppedAt = System.nanoTime();
                String oldId = old.id;
                await().atMost(Cluster.eventually()).until(() -> {
                    String l = leaderSeenBy(follower);
                    return l != null && !l.equals(oldId);
                });
                // Every lease the frozen leader tracks runs out while the workers renew at the new one.
                long frozenFor = TTL_MS + 2000;
                await().atMost(Cluster.eventually()).ignoreExceptions().pollInterval(Duration.ofMillis(100)).until(() ->
                        System.nanoTime() - stoppedAt > frozenFor * 1_000_000 && running(http) == 6);
                Map<String, String> before = snapshot(http);

                signal("CONT", old.pid());
                frozen = false;
                ServerProcess woken = old;
                await().atMost(Cluster.eventually()).until(() -> {
                    String l = leaderSeenBy(woken);
                    return l != null && !l.equals(oldId);
                });
                // A stale expiry from the woken node would commit within moments of its waking.
                Thread.sleep(3000);

                assertThat(snapshot(http)).as("no worker went down and no agent moved").isEqualTo(before);
                for (int i = 0; i < 6; i++) {
                    assertThat(RunLog.violation(runlog.resolve("d" + i))).as("d" + i).isNull();
                }
                assertThat(woken.log()).as("the woken leader noticed its pause before expiring anyone")
                        .contains("was this process paused?");
            } catch (AssertionError | RuntimeException e) {
                StringBuilder logs = new StringBuilder(c.logs());
                for (WorkerProcess w : workers) {
                    logs.append("\n===== ").append(w.id).append(" =====\n").append(w.log());
                }
                throw new AssertionError(e.getMessage() + logs, e);
            } finally {
                if (frozen) {
                    signal("CONT", old.pid());
                }
                for (WorkerProcess w : workers) {
                    w.close();
                }
            }
        }
    }

    private static int running(Http http) {
        return http.get("/v1/agents?state=running").json().size();
    }

    /** Each worker's state and revision, each agent's worker and token. */
    private static Map<String, String> snapshot(Http http) {
        Map<String, String> out = new TreeMap<>();
        for (JsonNode w : http.get("/v1/workers").json()) {
            out.put("worker " + w.path("id").asText(), w.path("state").asText() + " @" + w.path("revision").asLong());
        }
        List<String> agents = new ArrayList<>();
        for (JsonNode a : http.get("/v1/namespaces/default/agents").json()) {
            out.put("agent " + a.path("name").asText(), a.path("worker").asText() + " #" + a.path("fencingToken").asLong());
            agents.add(a.path("name").asText());
        }
        assertThat(agents).hasSize(6);
        return out;
    }
}
