package io.agentd.daemon.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentd.cli.AgentctlRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Backup and restore on real processes: a backup of a running three-server cluster (with tokens)
 * through agentctl, checked offline, restored with {@code agentd restore} into the data dirs of a
 * new three-server cluster, which then holds every namespace, agent, metadata entry and token
 * of the first. A truncated backup, a data dir that is not empty, and a first start as another
 * node than the one restored for are refused, and write nothing.
 */
class BackupRestoreTest {
    private static final String ADMIN = "agd_" + "b".repeat(43);

    @TempDir
    Path dir;

    @Test
    void aBackupRestoredIntoANewClusterHoldsEverything() throws Exception {
        Path bootstrap = dir.resolve("bootstrap-token");
        Files.writeString(bootstrap, ADMIN + "\n");
        Path backup = dir.resolve("registry.snap");
        String operator;
        String reader;
        JsonNode before;
        try (Cluster a = new Cluster(dir.resolve("a"), 3, List.of("--bootstrap-token-file", bootstrap.toString()))
                .token(ADMIN)) {
            for (ServerProcess s : a.servers) {
                s.start();
            }
            await("cluster a").atMost(Cluster.eventually()).until(() -> a.agreedLeader().isPresent());
            Map<String, String> env = env(a, ADMIN);
            ok(AgentctlRun.agentctl(env, "namespace", "create", "team", "--max-agents", "50"));
            for (int i = 0; i < 12; i++) {
                String ns = i % 2 == 0 ? "team" : "default";
                ok(AgentctlRun.agentctl(env, "spawn", "-n", ns, "agent-" + i, "--cmd", "/bin/sleep", "--arg", "100",
                        "--label", "i=" + i));
                ok(AgentctlRun.agentctl(env, "meta", "set", "-n", ns, "agent-" + i, "phase", "p" + i));
            }
            operator = secret(AgentctlRun.agentctl(env, "token", "create", "--role", "operator", "--namespace",
                    "team"));
            reader = secret(AgentctlRun.agentctl(env, "token", "create", "--role", "reader"));

            AgentctlRun denied = AgentctlRun.agentctl(env(a, reader), "cluster", "snapshot", "save",
                    dir.resolve("denied.snap").toString());
            assertThat(denied.exitCode()).as("a backup holds every token's hash: admin only").isEqualTo(7);
            assertThat(dir.resolve("denied.snap")).doesNotExist();

            AgentctlRun save = AgentctlRun.agentctl(env, "cluster", "snapshot", "save", backup.toString());
            ok(save);
            assertThat(save.out()).contains("saved revision");
            before = everything(a.servers.get(0).http().as(ADMIN));
            assertThat(before.path("agents-team")).hasSize(6);
            assertThat(before.path("agents-default")).hasSize(6);
            assertThat(before.toString()).as("metadata in the views compared").contains("\"p11\"");
            assertThat(before.path("tokens")).hasSize(3);
        }

        AgentctlRun inspect = AgentctlRun.agentctl(Map.of(), "cluster", "snapshot", "inspect", backup.toString(),
                "-o", "json");
        ok(inspect);
        JsonNode summary = Http.JSON.readTree(inspect.out());
        assertThat(summary.path("agents").asInt()).isEqualTo(12);
        assertThat(summary.path("namespaces").asInt()).isEqualTo(2);
        assertThat(summary.path("metadataEntries").asInt()).isEqualTo(12);
        assertThat(summary.path("tokens").asInt()).isEqualTo(3);
        assertThat(summary.path("members")).hasSize(3);

        // Refusals first: they must leave nothing behind.
        byte[] whole = Files.readAllBytes(backup);
        Path truncated = dir.resolve("truncated.snap");
        Files.write(truncated, java.util.Arrays.copyOf(whole, whole.length - 100));
        AgentctlRun badInspect = AgentctlRun.agentctl(Map.of(), "cluster", "snapshot", "inspect",
                truncated.toString());
        assertThat(badInspect.exitCode()).isEqualTo(2);
        assertThat(badInspect.err()).contains("truncated");
        Run badRestore = restore(truncated, dir.resolve("never"), "n1", "n1=127.0.0.1:" + Ports.free());
        assertThat(badRestore.exit).as(badRestore.output).isEqualTo(2);
        assertThat(badRestore.output).contains("truncated snapshot").contains("nothing was written");
        assertThat(dir.resolve("never")).doesNotExist();
        assertThat(dir.resolve(".never.restoring")).doesNotExist();
        Path busy = Files.createDirectories(dir.resolve("busy"));
        Files.writeString(busy.resolve("something"), "x");
        Run busyRestore = restore(backup, busy, "n1", "n1=127.0.0.1:" + Ports.free());
        assertThat(busyRestore.exit).as(busyRestore.output).isEqualTo(2);
        assertThat(busyRestore.output).contains("is not empty");
        try (var files = Files.list(busy)) {
            assertThat(files.toList()).containsExactly(busy.resolve("something"));
        }

        try (Cluster b = new Cluster(dir.resolve("b"), 3, List.of("--bootstrap-token-file", bootstrap.toString()))
                .token(ADMIN)) {
            String peers = String.join(",", b.servers.stream().map(s -> s.id + "=" + s.raftAddr()).toList());
            for (ServerProcess s : b.servers) {
                Run r = restore(backup, s.dataDir, s.id, peers);
                assertThat(r.exit).as(r.output).isZero();
                assertThat(r.output).contains("restored revision");
            }
            // A restored data dir started as another node than it was restored for is refused.
            Run wrong = server(b.servers.get(0).dataDir, "--node-id", "n9", "--raft-addr", "127.0.0.1:"
                    + Ports.free(), "--http-addr", "127.0.0.1:" + Ports.free(), "--insecure", "true");
            assertThat(wrong.exit).as(wrong.output).isEqualTo(2);
            assertThat(wrong.output).contains("was restored for node n1");

            for (ServerProcess s : b.servers) {
                s.start();
            }
            await("cluster b").atMost(Cluster.eventually()).until(() -> b.agreedLeader().isPresent());
            Http admin = b.servers.get(1).http().as(ADMIN);
            await("b answers").atMost(Cluster.eventually()).until(() -> admin.get("/v1/namespaces").status() == 200);
            assertThat(everything(admin)).isEqualTo(before);
            // The tokens came along: the old secrets work, with their roles.
            assertThat(admin.as(operator).get("/v1/namespaces/team/agents").status()).isEqualTo(200);
            assertThat(admin.as(operator).get("/v1/namespaces/default/agents").status()).isEqualTo(403);
            assertThat(admin.as(reader).get("/v1/tokens/self").json().path("role").asText()).isEqualTo("reader");
            // And it takes writes: a new log on top of the restored state.
            ok(AgentctlRun.agentctl(env(b, operator), "spawn", "-n", "team", "after-restore", "--cmd", "/bin/true"));
            assertThat(admin.get("/v1/namespaces/team/agents/after-restore").status()).isEqualTo(200);
        }
    }

    /** Every namespace, agent (spec, labels, metadata) and token the API shows, for comparing clusters. */
    private static JsonNode everything(Http admin) throws Exception {
        var out = Http.JSON.createObjectNode();
        out.set("namespaces", strip(admin.get("/v1/namespaces").json()));
        for (String ns : List.of("default", "team")) {
            JsonNode agents = admin.get("/v1/namespaces/" + ns + "/agents").json();
            List<JsonNode> full = new ArrayList<>();
            for (JsonNode a : agents.path("items").isMissingNode() ? agents : agents.path("items")) {
                full.add(admin.get("/v1/namespaces/" + ns + "/agents/" + a.path("name").asText()).json());
            }
            out.set("agents-" + ns, strip(Http.JSON.valueToTree(full)));
        }
        out.set("tokens", strip(admin.get("/v1/tokens?all=true").json()));
        return out;
    }

    /** Leaves out what describes the serving member rather than the registry. */
    private static JsonNode strip(JsonNode n) {
        if (n.isObject()) {
            ((com.fasterxml.jackson.databind.node.ObjectNode) n).remove(List.of("age"));
            n.forEach(BackupRestoreTest::strip);
        } else if (n.isArray()) {
            n.forEach(BackupRestoreTest::strip);
        }
        return n;
    }

    private static Map<String, String> env(Cluster c, String token) {
        return Map.of("AGENTCTL_ADDR", String.join(",", c.servers.stream().map(ServerProcess::url).toList()),
                "AGENTCTL_TOKEN", token);
    }

    private static void ok(AgentctlRun run) {
        assertThat(run.exitCode()).as(run.err()).isZero();
    }

    private static String secret(AgentctlRun run) {
        ok(run);
        return run.out().strip();
    }

    private record Run(int exit, String output) {
    }

    private Run restore(Path file, Path dataDir, String nodeId, String peers) throws Exception {
        return run(ChildJvm.agentd("128m", "restore", "--from", file.toString(), "--data-dir", dataDir.toString(),
                "--node-id", nodeId, "--peers", peers));
    }

    private Run server(Path dataDir, String... flags) throws Exception {
        List<String> cmd = ChildJvm.agentd("128m", "server", "--data-dir", dataDir.toString());
        cmd.addAll(List.of(flags));
        return run(cmd);
    }

    private static Run run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("still running: " + cmd);
        }
        return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
