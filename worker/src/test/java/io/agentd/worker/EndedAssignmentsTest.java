package io.agentd.worker;

import io.agentd.client.api.AgentView;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static io.agentd.worker.WorkerHarness.agent;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the worker remembers of assignments that ended here stays bounded under agent churn, and
 * still no ended assignment is started again, whichever order the reports' confirmations and
 * the watcher's late answers come in.
 */
class EndedAssignmentsTest {
    @TempDir
    Path dir;
    WorkerHarness w;

    @AfterEach
    void close() {
        w.close();
    }

    @Test
    void churnLeavesFewEndedAssignmentsAndNoneStartsTwice() throws Exception {
        w = new WorkerHarness(dir, 5);
        Random random = new Random(16);
        long revision = 10;
        w.full(revision);
        // Ends whose report was lost: the coordinators still show those agents running here.
        List<String> unconfirmed = new ArrayList<>();
        int maxEnded = 0;
        for (int n = 0; n < 3000; n++) {
            String name = "c" + n;
            // Assigned here: a change at a new revision; it starts.
            long token = ++revision;
            AgentView assigned = agent(name, token, "starting", "never");
            w.changes(revision - 1, revision, assigned);
            assertThat(w.startedWith(name, token)).hasSize(1);
            // It ends: a final report goes out, and the assignment ended here.
            w.startedWith(name, token).get(0).exit.complete(0);
            w.settle();
            assertThat(w.reportsOf(name)).extracting(WorkerHarness.Report::state).contains("stopped");
            // The watcher's answer from before the report was applied still shows it running here,
            // and it may come before or after the report's confirmation.
            AgentView late = agent(name, token, "running", "never");
            boolean lands = random.nextInt(10) != 0; // one report in ten is lost
            long appliedAt = ++revision;
            boolean lateFirst = random.nextBoolean();
            if (lateFirst) {
                w.changes(revision - 1, revision - 1, late);
            }
            if (lands) {
                long at = appliedAt;
                w.onActions(() -> w.assignments.confirmed("default/" + name, token, at));
            } else {
                unconfirmed.add(name);
            }
            if (!lateFirst) {
                w.changes(revision - 1, revision - 1, late);
            }
            // The next answer, after the report was applied: an agent that left this worker is not in it.
            w.changes(revision - 1, revision);
            // Remembered: exactly the ends the coordinators do not know of yet.
            assertThat(w.onActions(w.assignments::endedCount)).isEqualTo(unconfirmed.size());
            maxEnded = Math.max(maxEnded, unconfirmed.size());
            if (random.nextInt(50) == 0) {
                // Meanwhile the coordinators moved on from most of those (the operator stopped
                // them, say); a full list shows the rest still assigned here.
                unconfirmed.subList(0, Math.max(0, unconfirmed.size() - 3)).clear();
                List<AgentView> still = unconfirmed.stream().map(this::agentNamed).toList();
                w.full(++revision, still.toArray(AgentView[]::new));
                assertThat(w.onActions(w.assignments::endedCount)).isEqualTo(unconfirmed.size());
            }
        }
        w.settle();
        // Each assignment started once, and nothing runs.
        Set<String> seen = new HashSet<>();
        for (WorkerHarness.FakeAgent a : w.started) {
            assertThat(seen.add(a.launch.agentId() + "@" + a.token())).as(a.launch.agentId()).isTrue();
        }
        assertThat(w.started).hasSize(3000);
        assertThat(w.onActions(w.supervisor::size)).isZero();
        // What is remembered follows what the coordinators still assign here, not the churn.
        assertThat(maxEnded).isLessThan(100);
        // Once the coordinators have moved on from them, a full list lets those go too.
        w.full(++revision);
        assertThat(w.onActions(w.assignments::endedCount)).isZero();
        assertThat(w.onActions(() -> w.assignments.known().size())).isZero();
    }

    /** The assignment of agent {@code name} as a full list still shows it: its token is in the started list. */
    private AgentView agentNamed(String name) {
        long token = w.started.stream().filter(a -> a.launch.agentId().equals("default/" + name))
                .mapToLong(WorkerHarness.FakeAgent::token).findFirst().orElseThrow();
        return agent(name, token, "running", "never");
    }

    @Test
    void anEndIsForgottenOnlyOnceAnAnswerAtOrAfterItsConfirmationIsMerged() throws Exception {
        w = new WorkerHarness(dir, 5);
        w.full(10, agent("a", 10, "starting", "never"));
        w.startedWith("a", 10).get(0).exit.complete(0);
        w.settle();
        w.onActions(() -> w.assignments.confirmed("default/a", 10, 12));
        assertThat(w.onActions(w.assignments::endedCount)).isOne();
        // An answer at 11 (before the end was applied) still shows it: not started, still remembered.
        w.changes(10, 11, agent("a", 10, "running", "never"));
        assertThat(w.onActions(w.assignments::endedCount)).isOne();
        assertThat(w.startedWith("a", 10)).hasSize(1);
        // At 12 the end is known, and the stale entry of what is assigned here goes with it: a lapsed
        // lease's return, which reconciles everything known, does not start it either.
        w.changes(11, 12);
        assertThat(w.onActions(w.assignments::endedCount)).isZero();
        w.onActions(w.watcher::reconcileKnown);
        w.settle();
        assertThat(w.startedWith("a", 10)).hasSize(1);
    }
}
