package io.agentd.daemon.it;

import io.agentd.cli.AgentctlRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Recovery from a single survivor ({@code agentd recover --force-new-cluster}) on real processes:
 * a member of three whose two peers are gone for good becomes a one-member cluster with every
 * acknowledged write; and what a survivor's log holds beyond its state store is applied, not lost.
 */
class RecoverTest {
    @TempDir
    Path dir;

    @Test
    void theLastSurvivorOfThreeCarriesOnAloneWithEverything() throws Exception {
        Path survivorData;
        try (Cluster c = new Cluster(dir.resolve("c"), 3, List.of())) {
            for (ServerProcess s : c.servers) {
                s.start();
            }
            await("a leader").atMost(Cluster.eventually()).until(() -> c.agreedLeader().isPresent());
            Map<String, String> env = env(c.servers);
            for (int i = 0; i < 10; i++) {
                ok(AgentctlRun.agentctl(env, "spawn", "kept-" + i, "--cmd", "/bin/true"));
                ok(AgentctlRun.agentctl(env, "meta", "set", "kept-" + i, "step", "s" + i));
            }
            for (ServerProcess s : c.servers) {
                s.kill(); // n2 and n3 are lost for good; n1 survives, stopped
            }
            survivorData = c.byId("n1").dataDir;
        }
        ServerProcess n1 = new ServerProcess("n1", survivorData, List.of());
        Run refused = run(ChildJvm.agentd("128m", "recover", "--data-dir", survivorData.toString(), "--node-id", "n1"));
        assertThat(refused.exit).as(refused.output).isEqualTo(2);
        assertThat(refused.output).contains("--force-new-cluster");
        Run recover = run(ChildJvm.agentd("128m", "recover", "--data-dir", survivorData.toString(),
                "--force-new-cluster", "--node-id", "n1", "--raft-addr", n1.raftAddr()));
        assertThat(recover.exit).as(recover.output).isZero();
        assertThat(recover.output).contains("n1 is now a one-member cluster");

        try (n1) {
            n1.start();
            Map<String, String> env = env(List.of(n1));
            await("n1 leads alone").atMost(Cluster.eventually()).until(() ->
                    AgentctlRun.agentctl(env, "cluster", "health").exitCode() == 0);
            for (int i = 0; i < 10; i++) {
                AgentctlRun meta = AgentctlRun.agentctl(env, "meta", "get", "kept-" + i, "step");
                assertThat(meta.exitCode()).as(meta.err()).isZero();
                assertThat(meta.out()).contains("s" + i);
            }
            AgentctlRun members = AgentctlRun.agentctl(env, "cluster", "members");
            assertThat(members.out()).contains("n1").doesNotContain("n2").doesNotContain("n3");
            ok(AgentctlRun.agentctl(env, "spawn", "after-recovery", "--cmd", "/bin/true"));
        }
    }

    @Test
    void entriesTheLogHoldsBeyondTheStateAreAppliedNotLost() throws Exception {
        try (ServerProcess s = new ServerProcess("n1", dir.resolve("n1"), List.of())) {
            Map<String, String> env = env(List.of(s));
            s.start();
            await("ready").atMost(Cluster.eventually()).until(s::ready);
            ok(AgentctlRun.agentctl(env, "spawn", "first", "--cmd", "/bin/true"));
            s.kill();
            Path state = s.dataDir.resolve("state");
            Path older = dir.resolve("state-after-first");
            copy(state, older);
            s.start();
            await("ready again").atMost(Cluster.eventually()).until(s::ready);
            ok(AgentctlRun.agentctl(env, "spawn", "second", "--cmd", "/bin/true"));
            ok(AgentctlRun.agentctl(env, "meta", "set", "first", "k", "v2"));
            s.kill();
            // The store falls behind its log (as after a crash between the log's fsync and the store's write).
            deleteTree(state);
            copy(older, state);

            Run recover = run(ChildJvm.agentd("128m", "recover", "--data-dir", s.dataDir.toString(),
                    "--force-new-cluster", "--node-id", "n1"));
            assertThat(recover.exit).as(recover.output).isZero();
            assertThat(recover.output).containsPattern("applied [1-9][0-9]* entries its log held beyond its state");

            s.start();
            await("recovered").atMost(Cluster.eventually()).until(s::ready);
            assertThat(AgentctlRun.agentctl(env, "get", "second").exitCode()).isZero();
            assertThat(AgentctlRun.agentctl(env, "meta", "get", "first", "k").out()).contains("v2");
        }
    }

    private static Map<String, String> env(List<ServerProcess> servers) {
        return Map.of("AGENTCTL_ADDR", String.join(",", servers.stream().map(ServerProcess::url).toList()));
    }

    private static void ok(AgentctlRun run) {
        assertThat(run.exitCode()).as(run.err()).isZero();
    }

    private record Run(int exit, String output) {
    }

    private static Run run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("still running: " + cmd);
        }
        return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private static void copy(Path from, Path to) throws Exception {
        try (var files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
    }

    private static void deleteTree(Path dir) throws Exception {
        try (var files = Files.walk(dir)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }
}
