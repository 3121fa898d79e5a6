package io.agentd.daemon.it;

import io.agentd.cli.AgentctlRun;
import io.agentd.client.AgentdClient;
import io.agentd.client.Api;
import io.agentd.client.api.AgentSpecView;
import io.agentd.client.api.SpawnRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.agentd.statemachine.FeatureLevel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A rolling upgrade from the previous release ({@link PreviousRelease}) under a steady write load:
 * three servers on the previous release's build are replaced one at a time by this build (on the
 * same data directories and addresses), leadership moved off each before it stops. No write fails;
 * while old members remain, {@code cluster check} and {@code cluster upgrade} are refused naming
 * one; once all run this build, the check is clean, the upgrade to its highest level goes through, and the
 * check is clean again.
 */
class RollingUpgradeTest {
    @TempDir
    Path dir;

    @Test
    void fromThePreviousReleaseUnderLoad() throws Exception {
        String previous = PreviousRelease.classpath();
        String current = System.getProperty("java.class.path");
        try (Cluster c = new Cluster(dir, 3, List.of())) {
            for (ServerProcess s : c.servers) {
                s.classpath(previous).start();
            }
            await("a leader").atMost(Cluster.eventually()).until(() -> c.agreedLeader().isPresent());
            String all = String.join(",", c.servers.stream().map(ServerProcess::url).toList());
            Map<String, String> env = Map.of("AGENTCTL_ADDR", all);
            AgentctlRun oldStatus = AgentctlRun.agentctl(env, "cluster", "status");
            assertThat(oldStatus.out()).as("a server of the previous release").contains("unknown");

            Load load = new Load(all);
            Thread writer = new Thread(load, "upgrade-load");
            writer.start();
            try {
                await("writes under way").atMost(Cluster.eventually()).until(() -> load.acked.size() >= 20);
                for (int i = 0; i < c.servers.size(); i++) {
                    ServerProcess s = c.get(i);
                    String leader = c.agreedLeader().orElse("");
                    if (leader.equals(s.id)) {
                        String to = c.get((i + 1) % c.servers.size()).id;
                        Http.Answer moved = c.get((i + 1) % c.servers.size()).http()
                                .send("POST", "/v1/cluster/leader", "{\"to\": \"" + to + "\"}");
                        assertThat(moved.status()).as(moved.body()).isEqualTo(200);
                        await("leadership off " + s.id).atMost(Cluster.eventually())
                                .until(() -> c.agreedLeader().filter(to::equals).isPresent());
                    }
                    s.stop();
                    s.classpath(current).start();
                    await(s.id + " ready on this build").atMost(Cluster.eventually()).until(s::ready);
                    int before = load.acked.size();
                    await("writes go on after " + s.id).atMost(Cluster.eventually())
                            .until(() -> load.acked.size() >= before + 10);
                    if (i == 0) {
                        AgentctlRun check = AgentctlRun.agentctl(env, "cluster", "check");
                        assertThat(check.exitCode()).as(check.err()).isEqualTo(4);
                        assertThat(check.err()).contains("a build from before feature levels");
                        AgentctlRun up = AgentctlRun.agentctl(env, "cluster", "upgrade", "--to", "2");
                        assertThat(up.exitCode()).as(up.err()).isEqualTo(4);
                        assertThat(up.err()).contains("cannot raise the feature level to 2: member n");
                    }
                }
                String thisBuild = java.util.regex.Pattern.quote(io.agentd.client.BuildInfo.describe());
                await("all members answer on this build").atMost(Cluster.eventually()).until(() ->
                        AgentctlRun.agentctl(env, "cluster", "status").out().lines()
                                .filter(l -> l.matches("^n[123] .*\\b1-" + FeatureLevel.MAX_SUPPORTED + "\\s+" + thisBuild
                                        + "\\s*$")).count() == 3);
                AgentctlRun clean = AgentctlRun.agentctl(env, "cluster", "check");
                assertThat(clean.exitCode()).as(clean.out() + clean.err() + c.logs()).isZero();
                AgentctlRun up = AgentctlRun.agentctl(env, "cluster", "upgrade", "--to",
                        String.valueOf(FeatureLevel.MAX_SUPPORTED));
                assertThat(up.exitCode()).as(up.err() + c.logs()).isZero();
                int before = load.acked.size();
                await("writes go on at the build's highest level").atMost(Cluster.eventually())
                        .until(() -> load.acked.size() >= before + 10);
                AgentctlRun after = AgentctlRun.agentctl(env, "cluster", "check");
                assertThat(after.exitCode()).as(after.out() + after.err() + c.logs()).isZero();
            } finally {
                load.stop.set(true);
                writer.join(Duration.ofSeconds(90).toMillis());
            }
            assertThat(writer.isAlive()).isFalse();
            assertThat(load.failed).as("failed writes\n" + c.logs()).isEmpty();
            AgentdClient client = AgentdClient.builder().endpoints(all).build();
            for (String name : load.acked) {
                assertThat(client.send(Api.getAgent("default", name)).value().name()).isEqualTo(name);
            }
        }
    }

    /** Spawns agents one after another through the Java client (which fails over and retries). */
    private static final class Load implements Runnable {
        final Set<String> acked = ConcurrentHashMap.newKeySet();
        final ConcurrentLinkedQueue<String> failed = new ConcurrentLinkedQueue<>();
        final AtomicBoolean stop = new AtomicBoolean();
        private final String endpoints;

        Load(String endpoints) {
            this.endpoints = endpoints;
        }

        @Override
        public void run() {
            AgentSpecView spec = new AgentSpecView("/bin/true", List.of(), Map.of(), null, 1, Map.of(), Map.of(), null);
            AgentdClient client = AgentdClient.builder().endpoints(endpoints).deadline(Duration.ofSeconds(60)).build();
            // Bounded: 100,000 writes at most, and the test stops it.
            for (int i = 0; i < 100_000 && !stop.get(); i++) {
                String name = "load-" + i;
                try {
                    client.send(Api.spawn("default", new SpawnRequest(name, spec)));
                    acked.add(name);
                } catch (RuntimeException e) {
                    failed.add(name + ": " + e);
                }
                try {
                    Thread.sleep(50); // a steady trickle (~20 writes/s), not a flood
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
