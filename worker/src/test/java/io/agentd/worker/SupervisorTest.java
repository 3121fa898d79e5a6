package io.agentd.worker;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static io.agentd.worker.WorkerHarness.agent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The supervisor's decisions, with stand-in processes and recorded reports (no coordinators, no real processes). */
class SupervisorTest {
    @TempDir
    Path dir;
    WorkerHarness w;

    @AfterEach
    void close() {
        w.close();
    }

    @Test
    void anAssignedAgentStartsWithItsIdentityAndIsReportedRunningOnceItStaysUp() throws Exception {
        w = new WorkerHarness(dir, 5);
        w.full(10, agent("a", 10, "starting", "on-failure"));
        assertThat(w.startedWith("a", 10)).hasSize(1);
        WorkerHarness.FakeAgent a = w.startedWith("a", 10).get(0);
        assertThat(a.launch.env()).containsEntry("AGENTD_AGENT_NAME", "a").containsEntry("AGENTD_NAMESPACE", "default")
                .containsEntry("AGENTD_WORKER_ID", "w1").containsKey("AGENTD_AGENT_SECRET");
        assertThat(a.launch.killGrace()).isEqualTo(Duration.ofSeconds(2));
        await().atMost(Duration.ofSeconds(5)).until(() -> !w.reportsOf("a").isEmpty());
        assertThat(w.reportsOf("a")).containsExactly(new WorkerHarness.Report("default/a", 10, "running", null, 0));
    }

    @Test
    void aCheckpointHandedOverComesBeforeTheStart() throws Exception {
        w = new WorkerHarness(dir, 5);
        w.full(10, agent("a", 10, "starting", "on-failure", 7L));
        w.settle();
        assertThat(w.startedWith("a", 10)).singleElement()
                .satisfies(a -> assertThat(a.launch.env()).containsEntry("AGENTD_CHECKPOINT", "handed-over"));
    }

    @Test
    void nothingStartsWithoutLeaseTimeAndItStartsOnceTheLeaseIsBack() throws Exception {
        w = new WorkerHarness(dir, 5);
        w.leaseLeft = Duration.ofSeconds(2).plus(Supervisor.MIN_LEASE_TO_START).minusMillis(1);
        w.full(10, agent("a", 10, "starting", "on-failure"));
        Thread.sleep(300); // a few retries at the renewal interval
        assertThat(w.started).isEmpty();
        w.leaseLeft = Duration.ofHours(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> w.startedWith("a", 10).size() == 1);
    }

    @Test
    void onFailureRestartsWithBackoffThenGivesUpAndReportsFailedWithTheExitCode() throws Exception {
        w = new WorkerHarness(dir, 2);
        w.full(10, agent("a", 10, "starting", "on-failure"));
        for (int run = 1; run <= 3; run++) {
            int n = run;
            await().atMost(Duration.ofSeconds(5)).until(() -> w.startedWith("a", 10).size() == n);
            w.startedWith("a", 10).get(n - 1).exit.complete(3);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> w.reportsOf("a").stream().anyMatch(r -> r.state().equals("failed")));
        assertThat(w.reportsOf("a")).last().isEqualTo(new WorkerHarness.Report("default/a", 10, "failed", 3, 2));
        Thread.sleep(500); // longer than any backoff here
        assertThat(w.startedWith("a", 10)).hasSize(3);
    }

    @Test
    void anEndedAssignmentNeverStartsAgainFromAnAnswerOlderThanItsReport() throws Exception {
        w = new WorkerHarness(dir, 5);
        w.full(10, agent("a", 10, "starting", "never"));
        w.startedWith("a", 10).get(0).exit.complete(0);
        w.settle();
        assertThat(w.reportsOf("a")).extracting(WorkerHarness.Report::state).contains("stopped");
        // An answer written before the coordinators applied that report still shows it running here.
        w.changes(10, 11, agent("a", 10, "running", "never"));
        w.full(12, agent("a", 10, "running", "never"));
        w.settle();
        assertThat(w.startedWith("a", 10)).hasSize(1);
        // A new assignment of the same agent (a new token) does start.
        w.changes(12, 20, agent("a", 20, "starting", "never"));
        assertThat(w.startedWith("a", 20)).hasSize(1);
    }

    @Test
    void aNewTokenStopsTheOldInstanceWithoutAReportAndStartsTheNewOne() throws Exception {
        w = new WorkerHarness(dir, 5);
        w.full(10, agent("a", 10, "running", "always"));
        WorkerHarness.FakeAgent old = w.startedWith("a", 10).get(0);
        w.changes(10, 15, agent("a", 15, "starting", "always"));
        w.settle();
        assertThat(old.alive()).isFalse();
        assertThat(w.startedWith("a", 15)).hasSize(1).allMatch(WorkerHarness.FakeAgent::alive);
        assertThat(w.reportsOf("a")).noneMatch(r -> r.token() == 10 && !r.state().equals("running"));
    }

    @Test
    void aStopIsReportedStoppedAndAnAgentMissingFromAFullListIsStoppedAsStale() throws Exception {
        w = new WorkerHarness(dir, 5);
        w.full(10, agent("a", 10, "running", "always"), agent("b", 11, "running", "always"));
        w.changes(10, 12, agent("a", 10, "stopping", "always"));
        w.settle();
        assertThat(w.startedWith("a", 10).get(0).stoppedWith).isEqualTo(Duration.ofSeconds(2));
        assertThat(w.reportsOf("a")).extracting(WorkerHarness.Report::state).contains("stopped");
        w.full(13);
        w.settle();
        assertThat(w.startedWith("b", 11).get(0).alive()).isFalse();
        assertThat(w.reportsOf("b")).extracting(WorkerHarness.Report::state).doesNotContain("stopped");
        assertThat(w.onActions(w.supervisor::size)).isZero();
    }

    @Test
    void fencedAgentsAreNotReportedAndStartAgainWhenALapsedLeaseReturns() throws Exception {
        w = new WorkerHarness(dir, 5);
        w.full(10, agent("a", 10, "running", "always"));
        w.onActions(() -> w.supervisor.fenceAll("test"));
        w.settle();
        assertThat(w.startedWith("a", 10).get(0).alive()).isFalse();
        assertThat(w.reportsOf("a")).noneMatch(r -> !r.state().equals("running"));
        w.onActions(w.watcher::reconcileKnown);
        assertThat(w.startedWith("a", 10)).hasSize(2);
        assertThat(w.startedWith("a", 10).get(1).alive()).isTrue();
    }

    @Test
    void aProcessKilledByItsWatchdogAtTheDeadlineCountsAsFencedNotAsACrash() throws Exception {
        w = new WorkerHarness(dir, 5);
        w.full(10, agent("a", 10, "running", "on-failure"));
        w.leaseLeft = Duration.ZERO; // the deadline has passed
        w.startedWith("a", 10).get(0).exit.complete(143);
        w.settle();
        Thread.sleep(300);
        assertThat(w.startedWith("a", 10)).hasSize(1);
        assertThat(w.reportsOf("a")).noneMatch(r -> !r.state().equals("running"));
        assertThat(w.onActions(w.supervisor::size)).isZero();
    }

    @Test
    void aRefusedReportStopsTheInstanceOfThatToken() throws Exception {
        w = new WorkerHarness(dir, 5);
        w.full(10, agent("a", 10, "running", "always"));
        w.onActions(() -> w.supervisor.refused(agent("a", 10, "running", "always")));
        w.settle();
        assertThat(w.startedWith("a", 10).get(0).alive()).isFalse();
        w.full(11, agent("a", 10, "running", "always"));
        w.settle();
        assertThat(w.startedWith("a", 10)).hasSize(1);
    }
}
