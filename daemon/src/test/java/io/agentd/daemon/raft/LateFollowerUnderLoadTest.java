package io.agentd.daemon.raft;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static io.agentd.daemon.raft.TestCluster.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A follower that starts for the first time while the other two are under continuous write
 * load from several threads (and CPU burners that saturate the machine) must catch up through a
 * snapshot install and then follow from the log, while the load goes on.
 *
 * <p>This is the scenario of the report "a late follower never caught up (leader and follower kept
 * disagreeing on the log position)". With Ratis' defaults for the two settings below it does not
 * catch up for as long as the load lasts, for either of two reasons, each enough on its own (the
 * second test shows the first, so this test is known to be able to fail):
 * <ul>
 * <li>{@code -Draft.load.preserved=0} (Ratis' purge.preservation.log.num default): the leader purges
 * its log up to each new snapshot, so when an install finishes the entries right after it are gone
 * and the leader logs "followerNextIndex = S+1 but logStartIndex = Y, send snapshot", again and again;</li>
 * <li>{@code -Draft.load.graceMillis=0} (snapshots deleted as soon as retention allows): the snapshot
 * being sent is deleted under the transfer (NoSuchFileException on the leader), which starts over
 * with the newest snapshot and fails the same way.</li>
 * </ul>
 * The snapshots are padded (40 files of 1 MiB, as a RocksDB checkpoint has many) and eight writers
 * keep the load up, so that a transfer takes long enough for the leader to move on meanwhile.
 *
 * <p>The knobs are system properties so the scenario can be replayed with other settings:
 * {@code raft.load.threshold} (snapshot threshold, 50), {@code raft.load.retained} (2),
 * {@code raft.load.writers} (8), {@code raft.load.burners} (2), {@code raft.load.payload} (bytes, 200),
 * {@code raft.load.warmupMillis} (2000, then on until the log start was purged), {@code raft.load.preserved}
 * (log entries preserved behind a snapshot, 1000), {@code raft.load.graceMillis} (grace period of replaced
 * snapshots, the default), {@code raft.load.snapshotPadFiles} and
 * {@code raft.load.snapshotPadBytes} (extra files per snapshot, as a RocksDB checkpoint has: 40 of 1 MiB),
 * and {@code raft.load.ratis.<key>} for any Ratis server property.
 */
class LateFollowerUnderLoadTest {
    private static final Logger LOG = LoggerFactory.getLogger(LateFollowerUnderLoadTest.class);
    /** {@code -Draft.load.ratis.<ratis key>=<value>} overrides a Ratis server property. */
    private static final String RATIS_PREFIX = "raft.load.ratis.";

    @Test
    void aLateFollowerCatchesUpWhileTheOthersAreUnderContinuousLoad(@TempDir Path dir) throws Exception {
        assertThat(lateFollower(dir, Long.getLong("raft.load.preserved", 1000), WAIT)).as("n3 caught up").isTrue();
    }

    /** Ratis' default keeps no log behind a snapshot: the follower is sent snapshot after snapshot. */
    @Test
    void withNoLogKeptBehindSnapshotsTheSameFollowerDoesNotCatchUp(@TempDir Path dir) throws Exception {
        assertThat(lateFollower(dir, 0, Duration.ofSeconds(20))).as("n3 caught up without a log tail").isFalse();
    }

    /**
     * Runs the scenario: whether n3 caught up within {@code bound} (and when it did, that all three
     * then hold the same entries).
     */
    private static boolean lateFollower(Path dir, long preserved, Duration bound) throws Exception {
        long threshold = Long.getLong("raft.load.threshold", 50);
        int retained = Integer.getInteger("raft.load.retained", 2);
        int writers = Integer.getInteger("raft.load.writers", 8);
        int burners = Integer.getInteger("raft.load.burners", 2);
        int payloadBytes = Integer.getInteger("raft.load.payload", 200);
        long warmup = Long.getLong("raft.load.warmupMillis", 2000);
        Duration grace = Duration.ofMillis(Long.getLong("raft.load.graceMillis",
                RaftNodeConfig.DEFAULT_SNAPSHOT_GRACE_PERIOD.toMillis()));

        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        AtomicLong acknowledged = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        try (TestCluster cluster = new TestCluster(dir, 3, b -> b
                .snapshotThreshold(threshold)
                .snapshotsRetained(retained)
                .snapshotGracePeriod(grace)
                .logEntriesPreserved(preserved)
                .logSegmentBytes(16 * 1024))) {
            cluster.tuneServer(p -> System.getProperties().stringPropertyNames().stream()
                    .filter(k -> k.startsWith(RATIS_PREFIX))
                    .forEach(k -> p.set(k.substring(RATIS_PREFIX.length()), System.getProperty(k))));
            int padFiles = Integer.getInteger("raft.load.snapshotPadFiles", 40);
            int padBytes = Integer.getInteger("raft.load.snapshotPadBytes", 1 << 20);
            for (String id : cluster.ids()) {
                cluster.machine(id).padSnapshots(padFiles, padBytes);
            }
            for (int i = 0; i < burners; i++) {
                Thread t = new Thread(() -> {
                    long x = 0;
                    while (!stop.get()) {
                        x += System.nanoTime() % 7;
                    }
                    LOG.trace("burner done {}", x);
                }, "cpu-burner-" + i);
                t.setDaemon(true);
                threads.add(t);
                t.start();
            }
            cluster.start("n1");
            cluster.start("n2");
            cluster.awaitLeader();
            List<RaftNode> targets = List.of(cluster.node("n1"), cluster.node("n2"));
            String filler = "x".repeat(Math.max(0, payloadBytes - 20));
            for (int w = 0; w < writers; w++) {
                RaftNode target = targets.get(w % targets.size());
                int writer = w;
                Thread t = new Thread(() -> {
                    Semaphore inFlight = new Semaphore(16);
                    long seq = 0;
                    while (!stop.get()) {
                        try {
                            if (!inFlight.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                                continue;
                            }
                        } catch (InterruptedException e) {
                            return;
                        }
                        CompletableFuture<byte[]> f = target.submit(RaftNodeTest.bytes("w" + writer + "-" + seq++ + filler));
                        f.whenComplete((r, e) -> {
                            inFlight.release();
                            (e == null ? acknowledged : failed).incrementAndGet();
                        });
                    }
                }, "writer-" + w);
                t.setDaemon(true);
                threads.add(t);
                t.start();
            }
            // Load until both have purged the start of their log, so n3 cannot be caught up from the log alone.
            Thread.sleep(warmup);
            await().atMost(WAIT).untilAsserted(() -> {
                for (String id : List.of("n1", "n2")) {
                    assertThat(RaftNodeTest.logSegments(dir, id)).noneMatch(n -> n.startsWith("log_0-"));
                }
            });
            RaftNode leader = cluster.awaitLeader();
            long leaderAppliedAtStart = leader.appliedIndex();
            LOG.info("starting n3 with leader {} at applied index {} ({} writes acknowledged, {} failed)",
                    leader.nodeId(), leaderAppliedAtStart, acknowledged.get(), failed.get());
            long started = System.nanoTime();
            RaftNode late = cluster.start("n3");
            ListStateMachine lateState = cluster.machine("n3");

            // While the load goes on, n3 must get past the point the leader had reached when it started, and
            // then follow from the log: a follower that is sent snapshot after snapshot has not caught up.
            long enough = 2 * threshold;
            try {
                await().atMost(bound).pollInterval(Duration.ofSeconds(1)).conditionEvaluationListener(c ->
                    LOG.info("n3 applied {} (state machine {}), installs {}, applied from the log since {}; leader {} commit {}",
                            late.appliedIndex(), lateState.lastApplied().index(), lateState.installs().size(),
                            lateState.appliedSinceLastInstall(),
                            cluster.currentLeader().map(RaftNode::nodeId).orElse("?"),
                            cluster.currentLeader().map(RaftNode::commitIndex).orElse(-1L)))
                    .until(() -> lateState.lastApplied().index() > leaderAppliedAtStart
                            && lateState.appliedSinceLastInstall() >= enough);
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                LOG.info("n3 did not catch up within {}: {} snapshot installs", bound, lateState.installs().size());
                return false;
            }
            LOG.info("n3 caught up past {} after {}ms and {} snapshot installs; {} writes acknowledged, {} failed",
                    leaderAppliedAtStart, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
                    lateState.installs().size(), acknowledged.get(), failed.get());

            stop.set(true);
            for (Thread t : threads) {
                t.join(10_000);
            }
            RaftNode finalLeader = cluster.awaitLeader();
            ListStateMachine reference = cluster.machine(finalLeader.nodeId());
            await().atMost(WAIT).until(() -> lateState.lastApplied().equals(reference.lastApplied())
                    && cluster.machine("n1").lastApplied().equals(reference.lastApplied())
                    && cluster.machine("n2").lastApplied().equals(reference.lastApplied()));
            assertThat(lateState.installs()).isNotEmpty();
            assertThat(lateState.entries()).isEqualTo(reference.entries());
            assertThat(cluster.machine("n1").entries()).isEqualTo(reference.entries());
            assertThat(cluster.machine("n2").entries()).isEqualTo(reference.entries());
            return true;
        } finally {
            stop.set(true);
        }
    }
}
