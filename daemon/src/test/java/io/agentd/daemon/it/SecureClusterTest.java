package io.agentd.daemon.it;

import io.agentd.cli.AgentctlRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Authentication on real processes, as a cluster is meant to run: three servers with TLS on the
 * API, Raft and fast failover, sharing a bootstrap token file (from which they derive the secret
 * they show each other); a worker with a token and the CA; agentctl with operator and admin
 * tokens and the CA. The token outlives the leader that made it, a killed leader is replaced
 * through fast failover (its internal routes need that secret), and revoking the worker's token
 * fences the worker.
 */
class SecureClusterTest {
    @TempDir
    Path dir;

    @Test
    void tokensAcrossAClusterAWorkerAndAgentctl() throws Exception {
        Path bootstrap = dir.resolve("bootstrap-token");
        String adminSecret = "agd_" + "k".repeat(43);
        Files.writeString(bootstrap, adminSecret + "\n");
        TestTls tls = TestTls.init(dir.resolve("tls"), "n1", "n2", "n3");
        try (Cluster cluster = new Cluster(dir, 3, List.of("--bootstrap-token-file", bootstrap.toString(),
                "--worker-ttl", "3s"), tls).token(adminSecret)) {
            cluster.servers.forEach(s -> start(s));
            await("a leader").atMost(Cluster.eventually()).until(() -> cluster.agreedLeader().isPresent());
            String addr = String.join(",", cluster.servers.stream().map(ServerProcess::url).toList());
            String ca = tls.ca().toString();
            Map<String, String> asAdmin = Map.of("AGENTCTL_ADDR", addr, "AGENTCTL_TOKEN", adminSecret,
                    "AGENTCTL_CACERT", ca);

            AgentctlRun untrusting = AgentctlRun.agentctl(Map.of("AGENTCTL_ADDR", addr, "AGENTCTL_TOKEN", adminSecret),
                    "ns", "list");
            assertThat(untrusting.exitCode()).as(untrusting.err()).isEqualTo(9);
            AgentctlRun anonymous = AgentctlRun.agentctl(Map.of("AGENTCTL_ADDR", addr, "AGENTCTL_CACERT", ca),
                    "ns", "list");
            assertThat(anonymous.exitCode()).as(anonymous.err()).isEqualTo(7);
            assertThat(anonymous.err()).contains("UNAUTHENTICATED");
            AgentctlRun whoami = AgentctlRun.agentctl(asAdmin, "token", "whoami");
            assertThat(whoami.out()).contains("admin").contains("bootstrap");

            assertThat(AgentctlRun.agentctl(asAdmin, "ns", "create", "team").exitCode()).isZero();
            String operator = secret(AgentctlRun.agentctl(asAdmin, "token", "create", "--role", "operator",
                    "--namespace", "team", "--description", "team ops"));
            String worker = secret(AgentctlRun.agentctl(asAdmin, "token", "create", "--role", "worker",
                    "--worker-id", "w1", "--ttl", "30d"));
            Path workerToken = dir.resolve("w1-token");
            Files.writeString(Files.createFile(workerToken, PosixFilePermissions.asFileAttribute(
                    Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE))), worker + "\n");
            // Through any server: the token is known on each as soon as its creation is acknowledged.
            AgentctlRun self = AgentctlRun.agentctl(Map.of("AGENTCTL_ADDR", addr, "AGENTCTL_TOKEN", worker,
                    "AGENTCTL_CACERT", ca), "token", "whoami", "-o", "json");
            assertThat(self.exitCode()).as(self.err()).isZero();
            String workerTokenId = self.out().replaceAll("(?s).*\"id\"\\s*:\\s*\"(t\\d+)\".*", "$1");
            assertThat(workerTokenId).matches("t\\d+");

            try (WorkerProcess w1 = new WorkerProcess("w1", dir.resolve("w1"), addr, concat(TwoWorkers.WORKER_ARGS,
                    List.of("--token-file", workerToken.toString(), "--tls-ca", ca)))) {
                w1.start();
                Map<String, String> asOperator = Map.of("AGENTCTL_ADDR", addr, "AGENTCTL_TOKEN", operator,
                        "AGENTCTL_CACERT", ca);
                AgentctlRun spawn = AgentctlRun.agentctl(asOperator, "spawn", "-n", "team", "sleeper", "--cmd",
                        "/bin/sleep", "--arg", "1000");
                assertThat(spawn.exitCode()).as(spawn.err()).isZero();
                AgentctlRun elsewhere = AgentctlRun.agentctl(asOperator, "spawn", "-n", "default", "sleeper",
                        "--cmd", "/bin/sleep", "--arg", "1000");
                assertThat(elsewhere.exitCode()).isEqualTo(7);
                assertThat(elsewhere.err()).contains("PERMISSION_DENIED");
                await("the agent runs on w1").atMost(Cluster.eventually()).until(() -> {
                    Http.Answer a = anyServer(cluster, adminSecret, "/v1/namespaces/team/agents/sleeper");
                    return a != null && a.json().path("state").asText().equals("running")
                            && a.json().path("worker").asText().equals("w1");
                });

                // Logs come through the coordinators, which sign their request to the worker with the hash
                // of its token; the worker's address alone gives nobody the logs.
                AgentctlRun logs = AgentctlRun.agentctl(asOperator, "logs", "-n", "team", "sleeper");
                assertThat(logs.exitCode()).as(logs.err()).isZero();
                Http.Answer direct = new Http("http://" + w1.localApi).get("/v1/logs/team/sleeper?tail=10");
                assertThat(direct.status()).as(direct.body()).isEqualTo(401);

                // The token lives in the replicated registry: it outlives the leader that made it.
                ServerProcess leader = cluster.byId(cluster.agreedLeader().orElseThrow());
                leader.kill();
                await("a new leader").atMost(Cluster.eventually()).until(() -> cluster.agreedLeader()
                        .filter(l -> !l.equals(leader.id)).isPresent());
                // Fast failover: the survivors compared their logs through each other's internal
                // route (over TLS, showing the secret derived from the bootstrap file), and one stood aside.
                assertThat(cluster.servers.stream().filter(s -> s != leader).map(ServerProcess::log))
                        .anyMatch(l -> l.contains("stands after leader " + leader.id))
                        .anyMatch(l -> l.contains("leader " + leader.id + " is gone; started an election at once"));
                assertThat(AgentctlRun.agentctl(asAdmin, "token", "whoami").exitCode()).isZero();
                assertThat(AgentctlRun.agentctl(asOperator, "list", "-n", "team").out()).contains("sleeper");

                // The audit trail names the worker's token and role for its registration.
                AgentctlRun audit = AgentctlRun.agentctl(asAdmin, "audit", "--actor", workerTokenId, "--command",
                        "RegisterWorker", "-o", "json");
                assertThat(audit.exitCode()).as(audit.err()).isZero();
                assertThat(audit.out()).contains("\"role\": \"worker\"").contains("\"result\": \"OK\"");

                // Revoked, the worker's renewals are refused: it fences itself and the agent moves off.
                assertThat(AgentctlRun.agentctl(asAdmin, "token", "revoke", workerTokenId).exitCode()).isZero();
                // (The worker's own check or the agent's watchdog stops it, whichever comes first.)
                await("w1 told").atMost(Cluster.eventually()).until(() -> w1.log()
                        .contains("refuse this worker's token"));
                await("the agent left w1").atMost(Cluster.eventually()).until(() -> {
                    Http.Answer a = anyServer(cluster, adminSecret, "/v1/namespaces/team/agents/sleeper");
                    return a != null && !a.json().path("worker").asText().equals("w1");
                });
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(e.getMessage() + cluster.logs(), e);
            }
        }
    }

    @Test
    void withoutABootstrapFileTheFirstLeaderWritesOneOnlyItsUserMayRead() throws Exception {
        try (ServerProcess s = new ServerProcess("n1", dir.resolve("n1"), List.of("--insecure", "false"))) {
            s.start();
            Path file = dir.resolve("n1").resolve("bootstrap-token");
            await("the bootstrap token").atMost(Cluster.eventually()).until(() -> Files.exists(file)
                    && !Files.readString(file).isBlank());
            assertThat(Files.getPosixFilePermissions(file)).containsExactlyInAnyOrder(
                    PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
            String secret = Files.readString(file).strip();
            await("the token works").atMost(Cluster.eventually()).until(() ->
                    new Http(s.url(), secret).get("/v1/tokens/self").status() == 200);
            assertThat(new Http(s.url(), secret).get("/v1/tokens/self").json().path("role").asText()).isEqualTo("admin");
            assertThat(new Http(s.url()).get("/v1/namespaces").status()).isEqualTo(401);
            assertThat(s.log()).contains(file.toString());
        }
    }

    @Test
    void aShortBootstrapSecretIsRefusedAtStart() throws Exception {
        Path bootstrap = dir.resolve("short");
        Files.writeString(bootstrap, "hunter2\n");
        try (ServerProcess s = new ServerProcess("n1", dir.resolve("n1"),
                List.of("--bootstrap-token-file", bootstrap.toString()))) {
            s.start();
            assertThat(s.awaitExit(60)).isEqualTo(2);
            assertThat(s.log()).contains("bootstrap-token-file").contains("at least 32");
        }
    }

    private static void start(ServerProcess s) {
        try {
            s.start();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The secret agentctl printed (alone on stdout), after checking it succeeded. */
    private static String secret(AgentctlRun run) {
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out().strip()).startsWith("agd_");
        return run.out().strip();
    }

    private static Http.Answer anyServer(Cluster cluster, String token, String path) {
        for (ServerProcess s : cluster.servers) {
            if (s.alive()) {
                try {
                    Http.Answer a = s.http().as(token).get(path);
                    if (a.status() == 200) {
                        return a;
                    }
                } catch (RuntimeException e) {
                    // the next one
                }
            }
        }
        return null;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new java.util.ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
