package io.agentd.daemon.coordinator;

import io.agentd.daemon.raft.Leadership;
import io.agentd.statemachine.command.Command;
import io.agentd.statemachine.command.Reply;
import io.agentd.statemachine.model.Worker;
import io.agentd.statemachine.model.WorkerState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import static org.assertj.core.api.Assertions.assertThat;

/** The lease rules on a fake clock, without Raft. */
class LeaseTrackerTest {
    /** The scheduler's only thread is held, so the real sweeper never runs: tests sweep by hand. */
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final java.util.concurrent.CountDownLatch hold = new java.util.concurrent.CountDownLatch(1);

    {
        scheduler.execute(() -> {
            try {
                hold.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }
    private static final long TERM = 4;
    private long now = 1_000_000_000L;
    /** The term in which Raft says this node leads (0: none); the tracker's own view may trail it. */
    private long raftTerm = TERM;
    private final List<CompletableFuture<Void>> barriers = new ArrayList<>();
    private final List<Worker> workers = new ArrayList<>();
    private final List<Command> proposed = new ArrayList<>();
    private CompletableFuture<Reply> answer = new CompletableFuture<>();
    private long workersVersion; // bumped by every change the tests make to workers
    private int workerReads;
    private final LeaseTracker tracker = new LeaseTracker(() -> {
        workerReads++;
        return workers;
    }, () -> workersVersion, c -> {
        proposed.add(c);
        return answer;
    }, new LeaseTracker.LeaderCheck() {
        @Override
        public boolean leadsIn(long term) {
            return term == raftTerm;
        }

        @Override
        public CompletableFuture<Void> barrier() {
            CompletableFuture<Void> b = new CompletableFuture<>();
            barriers.add(b);
            return b;
        }
    }, scheduler, Duration.ofSeconds(10), () -> now);

    @AfterEach
    void stop() {
        hold.countDown();
        scheduler.shutdownNow();
    }

    private static Worker worker(String id, WorkerState st, long rev) {
        return new Worker(id, "a:1", "", new TreeMap<>(), 4, st, 1, rev, 0);
    }

    private void addWorker(Worker w) {
        workers.add(w);
        workersVersion++;
    }

    private void setWorker(Worker w) {
        workers.set(0, w);
        workersVersion++;
    }

    private void advance(long millis) {
        now += millis * 1_000_000L;
    }

    @Test
    void aNewLeaderGivesEveryWorkerAFullTtlBeforeExpiringAnyone() {
        addWorker(worker("w1", WorkerState.READY, 5));
        tracker.leadershipChanged(Leadership.leading(TERM));
        tracker.sweep();
        advance(9_999);
        tracker.sweep();
        assertThat(proposed).isEmpty();
        advance(2);
        tracker.sweep();
        assertThat(proposed).containsExactly(new Command.ExpireWorker("w1", 5, TERM));
    }

    @Test
    void renewalsPostponeExpiryAndAreRefusedOnceExpiryIsDecided() {
        Worker w1 = worker("w1", WorkerState.READY, 5);
        addWorker(w1);
        tracker.leadershipChanged(Leadership.leading(TERM));
        tracker.sweep();
        for (int i = 0; i < 5; i++) {
            advance(6_000);
            assertThat(tracker.renew("w1", w1, TERM)).isEqualTo(LeaseTracker.Renewal.RENEWED);
            tracker.sweep();
        }
        assertThat(proposed).isEmpty();
        advance(10_001);
        tracker.sweep();
        assertThat(proposed).hasSize(1);
        // Its expiry is in flight: a late renewal must not be granted.
        assertThat(tracker.renew("w1", w1, TERM)).isEqualTo(LeaseTracker.Renewal.EXPIRED);
        // An unanswered proposal is not repeated within a TTL, and is after one.
        tracker.sweep();
        assertThat(proposed).hasSize(1);
        advance(10_001);
        tracker.sweep();
        assertThat(proposed).hasSize(2);
        // Registering again (a new revision) makes renewals work again.
        Worker again = worker("w1", WorkerState.READY, 9);
        setWorker(again);
        assertThat(tracker.renew("w1", again, TERM)).isEqualTo(LeaseTracker.Renewal.RENEWED);
    }

    @Test
    void aWorkerThatRegistersAgainAfterItsExpiryGetsAFullTtl() {
        Worker w1 = worker("w1", WorkerState.READY, 5);
        addWorker(w1);
        tracker.leadershipChanged(Leadership.leading(TERM));
        tracker.sweep();
        advance(10_001);
        tracker.sweep();
        assertThat(proposed).containsExactly(new Command.ExpireWorker("w1", 5, TERM));
        // The expiry applied (down), then the worker registered again before renewing.
        setWorker(worker("w1", WorkerState.READY, 8));
        advance(300);
        tracker.sweep();
        advance(9_000);
        tracker.sweep();
        assertThat(proposed).as("not expired again on its old deadline").hasSize(1);
        advance(1_001);
        tracker.sweep();
        assertThat(proposed).hasSize(2).last().isEqualTo(new Command.ExpireWorker("w1", 8, TERM));
    }

    @Test
    void followersAndDownOrUnknownWorkersAreNotRenewed() {
        Worker w1 = worker("w1", WorkerState.READY, 5);
        assertThat(tracker.renew("w1", w1, TERM)).isEqualTo(LeaseTracker.Renewal.NOT_LEADER);
        tracker.leadershipChanged(Leadership.leading(TERM));
        assertThat(tracker.renew("w1", null, TERM)).isEqualTo(LeaseTracker.Renewal.UNKNOWN_WORKER);
        assertThat(tracker.renew("w1", worker("w1", WorkerState.DOWN, 6), TERM)).isEqualTo(LeaseTracker.Renewal.EXPIRED);
        tracker.leadershipChanged(Leadership.NONE);
        assertThat(tracker.renew("w1", w1, TERM)).isEqualTo(LeaseTracker.Renewal.NOT_LEADER);
        addWorker(w1);
        advance(60_000);
        tracker.sweep();
        assertThat(proposed).as("a follower expires nobody").isEmpty();
    }

    @Test
    void aRefusedExpiryIsForgotten() {
        Worker w1 = worker("w1", WorkerState.READY, 5);
        addWorker(w1);
        tracker.leadershipChanged(Leadership.leading(TERM));
        tracker.sweep();
        advance(10_001);
        answer = CompletableFuture.completedFuture(Reply.rejected(7,
                new io.agentd.statemachine.Rejection(io.agentd.statemachine.ErrorCode.FAILED_PRECONDITION, "changed")));
        tracker.sweep();
        assertThat(proposed).hasSize(1);
        assertThat(tracker.renew("w1", w1, TERM)).isEqualTo(LeaseTracker.Renewal.RENEWED);
    }

    @Test
    void eachWorkerExpiresAtTheFirstSweepAfterItsOwnDeadline() {
        List<Worker> fleet = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            Worker w = worker("w" + i, WorkerState.READY, 10 + i);
            fleet.add(w);
            addWorker(w);
        }
        tracker.leadershipChanged(Leadership.leading(TERM));
        tracker.sweep();
        // Worker i last renews i * 50 ms after the start, so the leases run out one after another.
        for (int i = 0; i < 100; i++) {
            assertThat(tracker.renew("w" + i, fleet.get(i), TERM)).isEqualTo(LeaseTracker.Renewal.RENEWED);
            advance(50);
            tracker.sweep();
        }
        advance(10_000 - 100 * 50);
        for (int i = 0; i < 100; i++) {
            tracker.sweep();
            assertThat(proposed).as("expired by %d ms after worker 0's deadline", i * 50).hasSize(i);
            advance(50);
            tracker.sweep();
            assertThat(proposed).hasSize(i + 1).last().isEqualTo(new Command.ExpireWorker("w" + i, 10 + i, TERM));
        }
    }

    @Test
    void sweepsReadTheWorkerListOnlyWhenAWorkerChanged() {
        for (int i = 0; i < 1_000; i++) {
            addWorker(worker("w" + i, WorkerState.READY, 5));
        }
        tracker.leadershipChanged(Leadership.leading(TERM));
        tracker.sweep();
        assertThat(workerReads).isEqualTo(1);
        for (int round = 0; round < 20; round++) {
            advance(1_000);
            for (Worker w : workers) {
                tracker.renew(w.id(), w, TERM);
            }
            tracker.sweep();
        }
        assertThat(workerReads).as("renewals alone do not make the sweeper read the workers").isEqualTo(1);
        assertThat(proposed).isEmpty();
        addWorker(worker("late", WorkerState.READY, 6));
        tracker.sweep();
        assertThat(workerReads).isEqualTo(2);
        assertThat(tracker.tracked()).isEqualTo(1_001);
        tracker.leadershipChanged(Leadership.NONE);
        tracker.leadershipChanged(Leadership.leading(TERM));
        tracker.sweep();
        assertThat(workerReads).as("a new term reads the workers again").isEqualTo(3);
    }

    @Test
    void aWorkerThatWentDownIsForgottenAndNotExpiredAgain() {
        Worker w1 = worker("w1", WorkerState.READY, 5);
        addWorker(w1);
        tracker.leadershipChanged(Leadership.leading(TERM));
        tracker.sweep();
        assertThat(tracker.tracked()).isEqualTo(1);
        setWorker(worker("w1", WorkerState.DOWN, 6)); // drained away and expired by an earlier leader, say
        tracker.sweep();
        assertThat(tracker.tracked()).isZero();
        advance(30_000);
        tracker.sweep();
        assertThat(proposed).isEmpty();
    }

    /** Ticks as the scheduler would, every 250 ms, for {@code millis}. */
    private void tickFor(long millis) {
        for (long t = 0; t < millis; t += 250) {
            advance(250);
            tracker.tick();
        }
    }

    @Test
    void renewalsAreGrantedOnlyWhileRaftSaysThisNodeStillLeadsInTheTrackersTerm() {
        Worker w1 = worker("w1", WorkerState.READY, 5);
        addWorker(w1);
        tracker.leadershipChanged(Leadership.leading(TERM));
        assertThat(tracker.term()).isEqualTo(TERM);
        assertThat(tracker.renew("w1", w1, TERM)).isEqualTo(LeaseTracker.Renewal.RENEWED);
        assertThat(tracker.renew("w1", w1, TERM - 1)).as("a term read before this one")
                .isEqualTo(LeaseTracker.Renewal.NOT_LEADER);
        // Deposed: Raft knows, the leadership event has not arrived yet.
        raftTerm = TERM + 1;
        assertThat(tracker.renew("w1", w1, TERM)).isEqualTo(LeaseTracker.Renewal.NOT_LEADER);
        tracker.leadershipChanged(Leadership.NONE);
        assertThat(tracker.term()).isZero();
    }

    @Test
    void afterAPauseNobodyIsExpiredUntilLeadershipIsConfirmedAndThenEveryWorkerHasAFullTtl() {
        Worker w1 = worker("w1", WorkerState.READY, 5);
        addWorker(w1);
        tracker.leadershipChanged(Leadership.leading(TERM));
        tickFor(1_000);
        assertThat(tracker.renew("w1", w1, TERM)).isEqualTo(LeaseTracker.Renewal.RENEWED);
        assertThat(barriers).as("regular ticks confirm nothing").isEmpty();

        advance(15_000); // the process stood still past the lease's deadline
        tracker.tick();
        assertThat(proposed).isEmpty();
        assertThat(barriers).hasSize(1);
        tickFor(1_000);
        assertThat(proposed).as("nobody expires while leadership is unconfirmed").isEmpty();
        assertThat(barriers).as("one confirmation at a time").hasSize(1);

        barriers.get(0).complete(null);
        tickFor(9_750);
        assertThat(proposed).as("a full TTL from the confirmation").isEmpty();
        tickFor(500);
        assertThat(proposed).containsExactly(new Command.ExpireWorker("w1", 5, TERM));
    }

    @Test
    void aPausedLeaderThatWasDeposedMeanwhileExpiresNobody() {
        addWorker(worker("w1", WorkerState.READY, 5));
        tracker.leadershipChanged(Leadership.leading(TERM));
        tickFor(500);
        advance(15_000);
        raftTerm = TERM + 1; // another node was elected while this one was stopped
        tracker.tick();
        assertThat(barriers).hasSize(1);
        barriers.get(0).complete(null); // a follower's barrier passes too: it proves nothing
        tickFor(1_000);
        assertThat(proposed).isEmpty();
        assertThat(barriers).as("asked again on the next tick").hasSize(2);
        barriers.get(1).completeExceptionally(new IllegalStateException("no leader"));
        tickFor(20_000);
        assertThat(proposed).isEmpty();
        tracker.leadershipChanged(Leadership.NONE);
        tickFor(20_000);
        assertThat(proposed).isEmpty();
    }

    @Test
    void aConfirmationThatArrivesAfterLeadershipChangedDoesNothing() {
        addWorker(worker("w1", WorkerState.READY, 5));
        tracker.leadershipChanged(Leadership.leading(TERM));
        advance(15_000);
        tracker.tick();
        assertThat(barriers).hasSize(1);
        raftTerm = TERM + 2;
        tracker.leadershipChanged(Leadership.leading(TERM + 2));
        barriers.get(0).complete(null); // belongs to the old term
        tickFor(10_000);
        assertThat(proposed).as("the new term's full TTL, from its first sweep").isEmpty();
        tickFor(500);
        assertThat(proposed).containsExactly(new Command.ExpireWorker("w1", 5, TERM + 2));
    }
}
