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
 * Leadership and membership on real processes, through agentctl: {@code cluster health} (exit 0
 * healthy, 6 degraded with a line per problem), {@code transfer-leader} to a named member and to
 * any, {@code remove-member} of a dead follower and of the leader (which hands leadership on
 * first), and the refusals: an unknown member, the last member.
 */
class MembershipTest {
    @TempDir
    Path dir;

    @Test
    void transferRemoveAndHealth() throws Exception {
        try (Cluster c = new Cluster(dir, 3, List.of())) {
            for (ServerProcess s : c.servers) {
                s.start();
            }
            await("a leader").atMost(Cluster.eventually()).until(() -> c.agreedLeader().isPresent());
            Map<String, String> env = Map.of("AGENTCTL_ADDR",
                    String.join(",", c.servers.stream().map(ServerProcess::url).toList()));
            await("healthy").atMost(Cluster.eventually()).until(() ->
                    AgentctlRun.agentctl(env, "cluster", "health").exitCode() == 0);
            AgentctlRun health = AgentctlRun.agentctl(env, "cluster", "health");
            assertThat(health.out()).contains("healthy").contains("n1").contains("n2").contains("n3");

            String leader = c.agreedLeader().orElseThrow();
            String target = leader.equals("n2") ? "n3" : "n2";
            AgentctlRun moved = AgentctlRun.agentctl(env, "cluster", "transfer-leader", target);
            assertThat(moved.exitCode()).as(moved.err() + c.logs()).isZero();
            assertThat(moved.out()).contains("leader is now " + target);
            await("all see " + target).atMost(Cluster.eventually()).until(() ->
                    c.agreedLeader().filter(target::equals).isPresent());
            AgentctlRun again = AgentctlRun.agentctl(env, "cluster", "transfer-leader", target);
            assertThat(again.out()).contains(target + " leads already");
            AgentctlRun any = AgentctlRun.agentctl(env, "cluster", "transfer-leader");
            assertThat(any.exitCode()).as(any.err() + c.logs()).isZero();
            await("someone else leads").atMost(Cluster.eventually()).until(() ->
                    c.agreedLeader().filter(l -> !l.equals(target)).isPresent());
            AgentctlRun unknown = AgentctlRun.agentctl(env, "cluster", "transfer-leader", "n9");
            assertThat(unknown.exitCode()).isEqualTo(3);
            assertThat(unknown.err()).contains("no member n9");

            // A follower dies: health says so and exits 6.
            String now = c.agreedLeader().orElseThrow();
            ServerProcess dead = c.servers.stream().filter(s -> !s.id.equals(now)).findFirst().orElseThrow();
            dead.kill();
            await("degraded").atMost(Cluster.eventually()).until(() ->
                    AgentctlRun.agentctl(env, "cluster", "health").exitCode() == 6);
            AgentctlRun degraded = AgentctlRun.agentctl(env, "cluster", "health");
            assertThat(degraded.out()).contains("problem: " + dead.id + " did not answer");

            // Removed, the group is two and healthy again.
            AgentctlRun removed = AgentctlRun.agentctl(env, "cluster", "remove-member", dead.id);
            assertThat(removed.exitCode()).as(removed.err() + c.logs()).isZero();
            assertThat(removed.out()).contains("removed " + dead.id);
            AgentctlRun members = AgentctlRun.agentctl(env, "cluster", "members");
            assertThat(members.out()).doesNotContain(dead.id + " ");
            await("healthy with two").atMost(Cluster.eventually()).until(() ->
                    AgentctlRun.agentctl(env, "cluster", "health").exitCode() == 0);
            assertThat(AgentctlRun.agentctl(env, "spawn", "after-removal", "--cmd", "/bin/true").exitCode())
                    .isZero();

            // Removing the leader hands leadership on first; the one left takes writes alone.
            String lead = c.agreedLeader().orElseThrow();
            AgentctlRun removeLeader = AgentctlRun.agentctl(env, "cluster", "remove-member", lead);
            assertThat(removeLeader.exitCode()).as(removeLeader.err() + c.logs()).isZero();
            String left = c.servers.stream().map(s -> s.id).filter(id -> !id.equals(lead) && !id.equals(dead.id))
                    .findFirst().orElseThrow();
            assertThat(removeLeader.out()).contains("members: " + left);
            Map<String, String> last = Map.of("AGENTCTL_ADDR", c.byId(left).url());
            await("the last member writes").atMost(Cluster.eventually()).until(() ->
                    AgentctlRun.agentctl(last, "spawn", "alone-" + System.nanoTime(), "--cmd", "/bin/true")
                            .exitCode() == 0);
            AgentctlRun lastOne = AgentctlRun.agentctl(last, "cluster", "remove-member", left);
            assertThat(lastOne.exitCode()).isEqualTo(4);
            assertThat(lastOne.err()).contains("cannot remove its last member");
        }
    }

    @Test
    void aServerJoinsAsALearnerAndVotesOnceCaughtUp() throws Exception {
        try (Cluster c = new Cluster(dir.resolve("c"), 3, List.of());
             ServerProcess n4 = new ServerProcess("n4", dir.resolve("n4"), List.of("--join",
                     c.servers.get(1).url() + "," + c.servers.get(0).url()))) {
            for (ServerProcess s : c.servers) {
                s.start();
            }
            await("a leader").atMost(Cluster.eventually()).until(() -> c.agreedLeader().isPresent());
            Map<String, String> env = Map.of("AGENTCTL_ADDR",
                    String.join(",", c.servers.stream().map(ServerProcess::url).toList()));
            for (int i = 0; i < 20; i++) {
                assertThat(AgentctlRun.agentctl(env, "spawn", "before-" + i, "--cmd", "/bin/true").exitCode()).isZero();
            }
            AgentctlRun early = AgentctlRun.agentctl(env, "cluster", "add-member", "n4", "--raft-addr", n4.raftAddr(),
                    "--http-addr", "127.0.0.1:" + n4.httpPort);
            assertThat(early.exitCode()).as("a server that is not running cannot be sent the log").isEqualTo(4);
            assertThat(early.err()).contains("start it first");

            n4.start();
            await("n4 asked the cluster").atMost(Cluster.eventually()).until(() -> n4.log().contains("joining the cluster")
                    || !n4.alive());
            assertThat(n4.alive()).as(n4.log()).isTrue();
            await("n4 serves").atMost(Cluster.eventually()).until(() -> n4.log().contains("serves the API"));
            AgentctlRun add = AgentctlRun.agentctl(env, "cluster", "add-member", "n4", "--raft-addr", n4.raftAddr(),
                    "--http-addr", "127.0.0.1:" + n4.httpPort);
            assertThat(add.exitCode()).as(add.err() + c.logs() + "\n== n4 ==\n" + n4.log()).isZero();
            await("n4 votes").atMost(Cluster.eventually()).until(() -> {
                AgentctlRun members = AgentctlRun.agentctl(env, "cluster", "members", "-o", "json");
                return members.exitCode() == 0 && members.out().contains("\"n4\"")
                        && !members.out().contains("learner");
            });
            assertThat(c.servers.stream().map(ServerProcess::log))
                    .anyMatch(l -> l.contains("learner n4 has caught up"));
            // It has the registry, and a read through it is linearizable like any member's.
            assertThat(n4.http().get("/v1/namespaces/default/agents/before-19").status()).isEqualTo(200);
            AgentctlRun lead = AgentctlRun.agentctl(env, "cluster", "transfer-leader", "n4");
            assertThat(lead.exitCode()).as(lead.err()).isZero();
            await("all four healthy").atMost(Cluster.eventually()).until(() ->
                    AgentctlRun.agentctl(env, "cluster", "health").exitCode() == 0);
            assertThat(AgentctlRun.agentctl(env, "cluster", "health").out()).contains("n4");
        }
    }

    @Test
    void autopilotRemovesAVoterSilentPastItsGrace() throws Exception {
        try (Cluster c = new Cluster(dir.resolve("a"), 3, List.of("--autopilot-cleanup-dead-servers", "true",
                "--autopilot-dead-server-grace", "3s", "--autopilot-min-voters", "2"))) {
            for (ServerProcess s : c.servers) {
                s.start();
            }
            await("a leader").atMost(Cluster.eventually()).until(() -> c.agreedLeader().isPresent());
            Map<String, String> env = Map.of("AGENTCTL_ADDR",
                    String.join(",", c.servers.stream().map(ServerProcess::url).toList()));
            String leader = c.agreedLeader().orElseThrow();
            ServerProcess dead = c.servers.stream().filter(s -> !s.id.equals(leader)).findFirst().orElseThrow();
            dead.kill();
            await("autopilot removed " + dead.id).atMost(Cluster.eventually()).until(() -> {
                AgentctlRun members = AgentctlRun.agentctl(env, "cluster", "members", "-o", "json");
                return members.exitCode() == 0 && !members.out().contains("\"" + dead.id + "\"");
            });
            String log = c.byId(leader).log();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("voter " + dead.id
                    + " has been silent for (\\d+) ms").matcher(log);
            assertThat(m.find()).as(log).isTrue();
            assertThat(Long.parseLong(m.group(1))).as("not before its grace").isGreaterThanOrEqualTo(3000);
            await("healthy with two").atMost(Cluster.eventually()).until(() ->
                    AgentctlRun.agentctl(env, "cluster", "health").exitCode() == 0);
        }
    }

    @Test
    void twoChangesAtOnceOneIsRefusedWithAClearError() throws Exception {
        try (Cluster c = new Cluster(dir.resolve("d"), 3, List.of());
             ServerProcess n4 = new ServerProcess("n4", dir.resolve("n4"), List.of("--join", c.servers.get(0).url()));
             ServerProcess n5 = new ServerProcess("n5", dir.resolve("n5"), List.of("--join", c.servers.get(0).url()))) {
            for (ServerProcess s : c.servers) {
                s.start();
            }
            await("a leader").atMost(Cluster.eventually()).until(() -> c.agreedLeader().isPresent());
            n4.start();
            n5.start();
            await("both joiners serve").atMost(Cluster.eventually()).until(() ->
                    n4.log().contains("serves the API") && n5.log().contains("serves the API"));
            Http api = c.servers.get(0).http();
            java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(2);
            java.util.concurrent.ExecutorService two = java.util.concurrent.Executors.newFixedThreadPool(2);
            try {
                List<java.util.concurrent.Future<Http.Answer>> answers = new java.util.ArrayList<>();
                for (ServerProcess s : List.of(n4, n5)) {
                    answers.add(two.submit(() -> {
                        together.await();
                        return api.post("/v1/cluster/members", "{\"id\":\"" + s.id + "\",\"raftAddress\":\""
                                + s.raftAddr() + "\",\"httpAddress\":\"127.0.0.1:" + s.httpPort + "\"}");
                    }));
                }
                List<Http.Answer> done = new java.util.ArrayList<>();
                for (var f : answers) {
                    done.add(f.get(2, java.util.concurrent.TimeUnit.MINUTES));
                }
                assertThat(done.stream().map(Http.Answer::status)).as(done.toString()).containsExactlyInAnyOrder(200, 409);
                Http.Answer refused = done.stream().filter(a -> a.status() == 409).findFirst().orElseThrow();
                assertThat(refused.errorMessage()).containsAnyOf("one change at a time", "under way");
            } finally {
                two.shutdownNow();
            }
        }
    }
}
