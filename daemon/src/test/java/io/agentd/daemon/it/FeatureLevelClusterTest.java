package io.agentd.daemon.it;

import io.agentd.cli.AgentctlRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The cluster feature level and {@code cluster check} on three real servers, one of which applies
 * metadata differently (the test fault {@code diverge-metadata}, as a build with another rule would):
 * status shows the level and every member's range; a level no member supports, or a lower one, is
 * refused; what a level gates is refused before it and works after it; and the check agrees until
 * the faulty member's state differs, then exits 1 naming it.
 */
class FeatureLevelClusterTest {
    private static final int MAX = io.agentd.statemachine.FeatureLevel.MAX_SUPPORTED;
    @TempDir
    Path dir;

    @Test
    void upgradeGatesNewRulesAndCheckNamesTheMemberThatDiverged() throws Exception {
        try (Cluster c = new Cluster(dir, 3, List.of())) {
            c.get(2).jvmFlags("-Dagentd.test.fault=diverge-metadata");
            for (ServerProcess s : c.servers) {
                s.start();
            }
            await("a leader").atMost(Cluster.eventually()).until(() -> c.agreedLeader().isPresent());
            Map<String, String> env = Map.of("AGENTCTL_ADDR",
                    String.join(",", c.servers.stream().map(ServerProcess::url).toList()));

            AgentctlRun status = AgentctlRun.agentctl(env, "cluster", "status");
            assertThat(status.exitCode()).as(status.err() + c.logs()).isZero();
            assertThat(status.out()).containsPattern("Feature level:? +1\\b").contains("FEATURE-LEVELS");
            String thisBuild = java.util.regex.Pattern.quote(io.agentd.client.BuildInfo.describe());
            assertThat(status.out()).contains("VERSION");
            assertThat(status.out().lines().filter(l -> l.matches("^n[123] .*\\b1-" + MAX + "\\s+" + thisBuild + "\\s*$")).count())
                    .as("every member with its levels and its build\n" + status.out()).isEqualTo(3);

            // Level 2's command is refused before the upgrade, without reaching the log.
            assertThat(AgentctlRun.agentctl(env, "spawn", "a", "--cmd", "/bin/sleep", "--arg", "60").exitCode()).isZero();
            assertThat(AgentctlRun.agentctl(env, "stop", "a").exitCode()).isZero();
            AgentctlRun early = AgentctlRun.agentctl(env, "start", "a");
            assertThat(early.exitCode()).as(early.err()).isEqualTo(4);
            assertThat(early.err()).contains("needs cluster feature level 2 (the cluster is at 1)");

            AgentctlRun clean = AgentctlRun.agentctl(env, "cluster", "check");
            assertThat(clean.exitCode()).as(clean.out() + clean.err() + c.logs()).isZero();
            assertThat(clean.out()).contains("all 3 members agree at index");

            AgentctlRun tooHigh = AgentctlRun.agentctl(env, "cluster", "upgrade", "--to", String.valueOf(MAX + 1));
            assertThat(tooHigh.exitCode()).as(tooHigh.err()).isEqualTo(4);
            assertThat(tooHigh.err()).contains("supports feature levels 1-" + MAX);
            AgentctlRun up = AgentctlRun.agentctl(env, "cluster", "upgrade", "--to", "2");
            assertThat(up.exitCode()).as(up.err() + c.logs()).isZero();
            assertThat(up.out()).contains("feature level 1 -> 2");
            AgentctlRun lower = AgentctlRun.agentctl(env, "cluster", "upgrade", "--to", "1");
            assertThat(lower.exitCode()).as(lower.err()).isEqualTo(4);
            assertThat(lower.err()).contains("lowering it to 1 is not supported");
            for (ServerProcess s : c.servers) {
                await(s.id + " at level 2").atMost(Cluster.eventually()).until(() -> AgentctlRun.agentctl(
                        Map.of("AGENTCTL_ADDR", s.url()), "cluster", "status").out().matches("(?s).*Feature level:? +2\\b.*"));
            }
            for (ServerProcess s : c.servers) {
                String metrics = s.http().get("/metrics").body();
                assertThat(Http.metric(metrics, "agentd_cluster_feature_level")).isEqualTo(2);
                assertThat(Http.metric(metrics, "agentd_build_feature_level_max")).isEqualTo(MAX);
            }
            AgentctlRun started = AgentctlRun.agentctl(env, "start", "a");
            assertThat(started.exitCode()).as(started.err() + c.logs()).isZero();
            assertThat(started.out()).contains("pending");

            // Level 3's providers likewise: refused at 2, taken at 3, the same on every member.
            AgentctlRun earlyProvider = AgentctlRun.agentctl(env, "provider", "set", "openai", "--rpm", "600");
            assertThat(earlyProvider.exitCode()).as(earlyProvider.err()).isEqualTo(4);
            assertThat(earlyProvider.err()).contains("needs cluster feature level 3 (the cluster is at 2)");
            AgentctlRun three = AgentctlRun.agentctl(env, "cluster", "upgrade", "--to", "3");
            assertThat(three.exitCode()).as(three.err() + c.logs()).isZero();
            AgentctlRun provider = AgentctlRun.agentctl(env, "provider", "set", "openai", "--rpm", "600",
                    "--share", "team-a=2");
            assertThat(provider.exitCode()).as(provider.err() + c.logs()).isZero();
            assertThat(provider.out()).contains("openai").contains("600");
            AgentctlRun withProvider = AgentctlRun.agentctl(env, "cluster", "check");
            assertThat(withProvider.exitCode()).as(withProvider.out() + withProvider.err()).isZero();

            // n3 applies metadata with a '~' appended: its state now differs from the other two.
            assertThat(AgentctlRun.agentctl(env, "meta", "set", "a", "k", "v").exitCode()).isZero();
            AgentctlRun diverged = AgentctlRun.agentctl(env, "cluster", "check");
            assertThat(diverged.exitCode()).as(diverged.out() + diverged.err()).isEqualTo(1);
            assertThat(diverged.err()).contains("state differs at index").contains("on n3");
            assertThat(diverged.out().lines().filter(l -> l.startsWith("n3 ")).findFirst().orElseThrow())
                    .endsWith("no");
            assertThat(diverged.out().lines().filter(l -> l.startsWith("n1 ")).findFirst().orElseThrow())
                    .endsWith("yes");
        }
    }
}
