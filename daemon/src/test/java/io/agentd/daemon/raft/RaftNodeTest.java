package io.agentd.daemon.raft;

import io.agentd.statemachine.store.AppliedIndex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.agentd.daemon.raft.TestCluster.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Three real Ratis peers in this JVM, talking gRPC over loopback. */
class RaftNodeTest {

    @Test
    void writesThroughAnyNodeAreAppliedEverywhereInOneOrderWithTheirIndexAndMonotonicLeaderTime(@TempDir Path dir)
            throws Exception {
        try (TestCluster cluster = new TestCluster(dir, 3)) {
            cluster.startAll();
            RaftNode follower = cluster.anyFollower();
            // A leader that is elected but not ready yet refuses writes, and the Ratis client retries
            // them outside its ordered window: the order of one client's pipelined writes holds
            // once the leader is ready (a read barrier through the follower says so), not before.
            follower.readBarrier().get(60, TimeUnit.SECONDS);
            List<CompletableFuture<byte[]>> replies = new ArrayList<>();
            List<String> values = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                values.add("f-" + i);
                replies.add(follower.submit(bytes("f-" + i)));
            }
            // Concurrent writers on every node, so stamps are taken on several threads at once.
            List<Thread> writers = new ArrayList<>();
            List<CompletableFuture<byte[]>> concurrent = new CopyOnWriteArrayList<>();
            for (RaftNode node : cluster.runningNodes()) {
                Thread t = new Thread(() -> {
                    for (int i = 0; i < 20; i++) {
                        concurrent.add(node.submit(bytes(node.nodeId() + "-c-" + i)));
                    }
                });
                writers.add(t);
                t.start();
            }
            for (Thread t : writers) {
                t.join();
            }
            CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            CompletableFuture.allOf(concurrent.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

            int total = 30 + 60;
            for (String id : cluster.ids()) {
                await().atMost(WAIT).until(() -> cluster.machine(id).size() == total);
            }
            List<ListStateMachine.Entry> reference = cluster.machine("n1").entries();
            for (String id : cluster.ids()) {
                assertThat(cluster.machine(id).entries()).as("entries of %s", id).isEqualTo(reference);
            }
            // Writes from one client keep their order.
            assertThat(reference.stream().map(ListStateMachine.Entry::value).filter(v -> v.startsWith("f-")).toList())
                    .isEqualTo(values);
            // Each reply names the index (and stamp) its entry got.
            for (int i = 0; i < values.size(); i++) {
                byte[] reply = replies.get(i).get();
                ListStateMachine.Entry e = entryWithValue(reference, values.get(i));
                assertThat(ListStateMachine.replyIndex(reply)).isEqualTo(e.index());
                assertThat(ListStateMachine.replyTime(reply)).isEqualTo(e.leaderTimeMillis());
            }
            for (int i = 1; i < reference.size(); i++) {
                assertThat(reference.get(i).index()).isGreaterThan(reference.get(i - 1).index());
                assertThat(reference.get(i).leaderTimeMillis())
                        .as("leader time of entry %s", reference.get(i).index())
                        .isGreaterThanOrEqualTo(reference.get(i - 1).leaderTimeMillis());
            }
            long now = System.currentTimeMillis();
            assertThat(reference.get(reference.size() - 1).leaderTimeMillis()).isBetween(now - 120_000, now);
        }
    }

    @Test
    void survivorsElectANewLeaderAndTheOldLeaderCatchesUpAfterRestart(@TempDir Path dir) throws Exception {
        try (TestCluster cluster = new TestCluster(dir, 3)) {
            cluster.startAll();
            RaftNode first = cluster.awaitLeader();
            writeAll(first, "before-", 10);

            String oldLeader = first.nodeId();
            cluster.stop(oldLeader);
            RaftNode second = cluster.awaitLeader();
            assertThat(second.nodeId()).isNotEqualTo(oldLeader);
            RaftNode survivor = cluster.runningNodes().stream().filter(n -> n != second).findFirst().orElseThrow();
            writeAll(survivor, "during-", 10);
            writeAll(second, "leader-", 5);

            RaftNode restarted = cluster.start(oldLeader);
            await().atMost(WAIT).until(() -> cluster.machine(oldLeader).size() == 25);
            assertThat(cluster.machine(oldLeader).entries()).isEqualTo(cluster.machine(second.nodeId()).entries());
            assertThat(restarted.appliedIndex()).isGreaterThanOrEqualTo(
                    cluster.machine(oldLeader).lastApplied().index());
            // And it takes part again: a write through it is applied everywhere.
            writeAll(restarted, "after-", 3);
            for (String id : cluster.ids()) {
                await().atMost(WAIT).until(() -> cluster.machine(id).size() == 28);
            }
        }
    }

    @Test
    void readBarrierOnAFollowerReturnsOnlyOnceItHasAppliedAnAcknowledgedWrite(@TempDir Path dir) throws Exception {
        try (TestCluster cluster = new TestCluster(dir, 3)) {
            cluster.startAll();
            RaftNode leader = cluster.awaitLeader();
            RaftNode follower = cluster.anyFollower();
            ListStateMachine followerState = cluster.machine(follower.nodeId());
            for (int i = 0; i < 20; i++) {
                String value = "v-" + i;
                leader.submit(bytes(value)).get(30, TimeUnit.SECONDS);
                follower.readBarrier().get(30, TimeUnit.SECONDS);
                assertThat(followerState.values()).as("after barrier %s", i).contains(value);
                assertThat(follower.appliedIndex()).isGreaterThanOrEqualTo(followerState.lastApplied().index());
            }
            // The leader answers barriers too.
            leader.readBarrier().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void restartReplaysTheLogAfterTheDurableIndexAndNeverReappliesBelowIt(@TempDir Path dir) throws Exception {
        try (TestCluster cluster = new TestCluster(dir, 3)) {
            cluster.startAll();
            RaftNode leader = cluster.awaitLeader();
            String id = cluster.anyFollower().nodeId();
            writeAll(leader, "a-", 20);
            await().atMost(WAIT).until(() -> cluster.machine(id).size() == 20);
            // What this node's disk held when it crashed: the state after 20 entries...
            ListStateMachine durable = cluster.machine(id).copyState();
            AppliedIndex durableAt = durable.lastApplied();
            // ...while its log went on to hold 10 more.
            writeAll(leader, "b-", 10);
            await().atMost(WAIT).until(() -> cluster.machine(id).size() == 30);
            List<ListStateMachine.Entry> expected = cluster.machine(id).entries();
            cluster.stop(id);
            cluster.replaceMachine(id, durable);

            cluster.start(id);
            await().atMost(WAIT).until(() -> durable.size() == 30);
            assertThat(durable.entries()).isEqualTo(expected);
            assertThat(durable.applyCalls()).as("indexes passed to apply after the restart")
                    .allMatch(i -> i > durableAt.index())
                    .containsExactlyElementsOf(expected.subList(20, 30).stream().map(ListStateMachine.Entry::index)
                            .toList());
            assertThat(durable.installs()).isEmpty();
        }
    }

    @Test
    void aMemberStartedLateCatchesUpThroughASnapshotAfterTheLogWasPurged(@TempDir Path dir) throws Exception {
        try (TestCluster cluster = new TestCluster(dir, 3, b -> b
                .snapshotThreshold(50)
                .snapshotsRetained(2)
                .snapshotGracePeriod(Duration.ZERO)
                .logEntriesPreserved(25)
                .logSegmentBytes(8 * 1024))) {
            cluster.start("n1");
            cluster.start("n2");
            RaftNode leader = cluster.awaitLeader();
            List<CompletableFuture<byte[]>> writes = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                writes.add(leader.submit(bytes("late-" + i + "-" + "x".repeat(40))));
                if (writes.size() == 50) {
                    CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
                    writes.clear();
                }
            }
            CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            for (String id : List.of("n1", "n2")) {
                await().atMost(WAIT).untilAsserted(() -> {
                    assertThat(cluster.machine(id).snapshotsWritten()).isGreaterThanOrEqualTo(3);
                    assertThat(logSegments(dir, id)).as("log segments of %s", id)
                            .noneMatch(name -> name.startsWith("log_0-"));
                    assertThat(snapshotDirs(dir, id)).hasSizeLessThanOrEqualTo(2);
                });
                // Each snapshot was prepared just before it was due (threshold / 100, at least 1 entry):
                // after the previous snapshot (or the start), before this one.
                ListStateMachine m = cluster.machine(id);
                List<Long> taken = m.snapshotIndices();
                for (int k = 0; k < taken.size(); k++) {
                    long from = k == 0 ? 0 : taken.get(k - 1);
                    long at = taken.get(k);
                    assertThat(m.prepares()).as("prepares of %s before snapshot %d", id, at)
                            .anyMatch(p -> p > from && p < at);
                }
            }

            cluster.start("n3");
            ListStateMachine late = cluster.machine("n3");
            ListStateMachine reference = cluster.machine(leader.nodeId());
            await().atMost(WAIT).until(() -> late.size() == 400);
            assertThat(late.installs()).as("snapshots installed on n3").isNotEmpty();
            assertThat(late.entries()).isEqualTo(reference.entries());
            long installedAt = late.installs().get(0).index();
            assertThat(late.applyCalls()).allMatch(i -> i > installedAt);
            // The installed snapshot directory holds exactly what writeSnapshot wrote (no MD5 sidecars).
            assertThat(snapshotDirs(dir, "n3")).isNotEmpty().allSatisfy(d -> assertThat(filesIn(d))
                    .containsExactly(ListStateMachine.SNAPSHOT_FILE));

            writeAll(cluster.node("n3"), "after-", 5);
            for (String id : cluster.ids()) {
                await().atMost(WAIT).until(() -> cluster.machine(id).size() == 405);
            }
            assertThat(late.entries()).isEqualTo(reference.entries());
        }
    }

    static void writeAll(RaftNode node, String prefix, int count) throws Exception {
        List<CompletableFuture<byte[]>> futures = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            futures.add(node.submit(bytes(prefix + i)));
        }
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static ListStateMachine.Entry entryWithValue(List<ListStateMachine.Entry> entries, String value) {
        return entries.stream().filter(e -> e.value().equals(value)).findFirst().orElseThrow();
    }

    static Path groupDir(Path base, String id) throws IOException {
        try (Stream<Path> s = Files.list(base.resolve(id))) {
            return s.filter(Files::isDirectory).findFirst().orElseThrow();
        }
    }

    static List<String> logSegments(Path base, String id) throws IOException {
        try (Stream<Path> s = Files.list(groupDir(base, id).resolve("current"))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("log_")).toList();
        }
    }

    static List<Path> snapshotDirs(Path base, String id) throws IOException {
        try (Stream<Path> s = Files.list(groupDir(base, id).resolve("sm"))) {
            return s.filter(p -> p.getFileName().toString().startsWith("snapshot.")).toList();
        }
    }

    static List<String> filesIn(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
