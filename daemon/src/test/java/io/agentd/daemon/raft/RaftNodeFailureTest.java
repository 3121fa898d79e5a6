package io.agentd.daemon.raft;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static io.agentd.daemon.raft.RaftNodeTest.bytes;
import static io.agentd.daemon.raft.TestCluster.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/** What callers see when the group cannot serve them, and how the node reports its own death. */
class RaftNodeFailureTest {

    @Test
    void withoutAQuorumWritesAndBarriersFailWithinTheRequestTimeoutAndWorkOnceAQuorumIsBack(@TempDir Path dir)
            throws Exception {
        try (TestCluster cluster = new TestCluster(dir, 3, b -> b.requestTimeout(Duration.ofSeconds(3)))) {
            RaftNode alone = cluster.start("n1");

            long started = System.nanoTime();
            Throwable write = failureOf(alone.submit(bytes("lost")));
            Throwable barrier = failureOf(alone.readBarrier());
            assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)).isLessThan(20);
            assertThat(write).isInstanceOfAny(RaftTimeoutException.class, RaftUnavailableException.class);
            assertThat(barrier).isInstanceOfAny(RaftTimeoutException.class, RaftUnavailableException.class);

            cluster.start("n2");
            cluster.awaitLeader();
            // The first writes may still fail with the exhausted attempts of before; later ones must work.
            await().atMost(WAIT).ignoreExceptions().until(() ->
                    alone.submit(bytes("back")).get(10, TimeUnit.SECONDS) != null);
            alone.readBarrier().get(10, TimeUnit.SECONDS);
            assertThat(cluster.machine("n1").values()).contains("back");
        }
    }

    @Test
    void aClosedNodeFailsAtOnce(@TempDir Path dir) throws Exception {
        try (TestCluster cluster = new TestCluster(dir, 1)) {
            RaftNode node = cluster.start("n1");
            node.submit(bytes("one")).get(30, TimeUnit.SECONDS);
            cluster.stop("n1");
            CompletableFuture<byte[]> write = node.submit(bytes("two"));
            assertThat(write).isCompletedExceptionally();
            assertThat(failureOf(write)).isInstanceOf(RaftUnavailableException.class).hasMessageContaining("closed");
            assertThat(failureOf(node.readBarrier())).isInstanceOf(RaftUnavailableException.class);
        }
    }

    @Test
    void leadershipListenersHearTheLeaderGainAndLoseLeadership(@TempDir Path dir) throws Exception {
        try (TestCluster cluster = new TestCluster(dir, 3)) {
            cluster.startAll();
            Map<String, List<Leadership>> heard = Map.of("n1", new CopyOnWriteArrayList<>(),
                    "n2", new CopyOnWriteArrayList<>(), "n3", new CopyOnWriteArrayList<>());
            for (RaftNode n : cluster.runningNodes()) {
                n.onLeadershipChange(heard.get(n.nodeId())::add);
            }
            RaftNode first = cluster.awaitLeader();
            await().atMost(WAIT).until(() -> heard.get(first.nodeId()).size() == 1);
            assertThat(heard.get(first.nodeId()).get(0).term()).isEqualTo(first.term());
            assertThat(first.leadsIn(first.term())).isTrue();
            assertThat(first.leadsIn(first.term() + 1)).isFalse();
            assertThat(first.members()).extracting(Member::role).containsOnly(Member.Role.LEADER, Member.Role.FOLLOWER);
            assertThat(first.members()).filteredOn(m -> m.role() == Member.Role.LEADER).extracting(Member::id)
                    .containsExactly(first.nodeId());

            cluster.stop(first.nodeId());
            long firstTerm = heard.get(first.nodeId()).get(0).term();
            assertThat(heard.get(first.nodeId())).containsExactly(Leadership.leading(firstTerm), Leadership.NONE);
            RaftNode second = cluster.awaitLeader();
            await().atMost(WAIT).until(() -> heard.get(second.nodeId()).size() == 1);
            assertThat(heard.get(second.nodeId()).get(0).term()).as("led in a later term").isGreaterThan(firstTerm)
                    .isEqualTo(second.term());
            assertThat(second.leadsIn(firstTerm)).isFalse();
            String other = cluster.ids().stream()
                    .filter(id -> !id.equals(first.nodeId()) && !id.equals(second.nodeId())).findFirst().orElseThrow();
            assertThat(heard.get(other)).noneMatch(Leadership::leading);
            assertThat(second.term()).isGreaterThan(0);
        }
    }

    @Test
    void anApplyFailureStopsThatNodeLoudlyWhileTheOthersGoOn(@TempDir Path dir) throws Exception {
        try (TestCluster cluster = new TestCluster(dir, 3)) {
            cluster.startAll();
            RaftNode leader = cluster.awaitLeader();
            RaftNode victim = cluster.anyFollower();
            AtomicReference<Throwable> reported = new AtomicReference<>();
            victim.onFatalError(reported::set);
            cluster.machine(victim.nodeId()).failOn("boom");

            leader.submit(bytes("boom")).get(30, TimeUnit.SECONDS);

            await().atMost(WAIT).until(() -> reported.get() != null);
            assertThat(reported.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("invariant");
            assertThat(victim.fatalError()).isPresent();
            assertThat(failureOf(victim.submit(bytes("after")))).isInstanceOf(RaftUnavailableException.class);
            // The other two still form a quorum.
            leader.submit(bytes("still-fine")).get(30, TimeUnit.SECONDS);
            assertThat(cluster.machine(leader.nodeId()).values()).contains("boom", "still-fine");
        }
    }

    private static Throwable failureOf(CompletableFuture<?> f) throws InterruptedException {
        try {
            f.get(60, TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (java.util.concurrent.TimeoutException e) {
            return catchThrowable(() -> {
                throw new AssertionError("future did not complete within 60s", e);
            });
        }
    }
}
