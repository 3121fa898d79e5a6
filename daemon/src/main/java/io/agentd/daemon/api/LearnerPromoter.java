package io.agentd.daemon.api;

import io.agentd.daemon.raft.Member;
import io.agentd.daemon.raft.RaftNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * On the leader, makes a learner a voter once it has caught up: its own applied index (asked over
 * the servers' internal route) within {@link #CAUGHT_UP} entries of the leader's commit index. A
 * learner that is behind gets no vote, so adding a server never costs the group its majority
 * while the newcomer copies the log. Checks every second; one promotion at a time.
 */
public final class LearnerPromoter {
    private static final Logger LOG = LoggerFactory.getLogger(LearnerPromoter.class);
    /** Entries a learner may trail the leader's commit index by and count as caught up. */
    static final long CAUGHT_UP = 100;

    private final RaftNode raft;
    private final ClusterHealth health;
    private final AtomicBoolean busy = new AtomicBoolean();

    public LearnerPromoter(RaftNode raft, ClusterHealth health) {
        this.raft = raft;
        this.health = health;
    }

    public void start(ScheduledExecutorService timer) {
        timer.scheduleWithFixedDelay(this::check, 1, 1, TimeUnit.SECONDS);
    }

    private void check() {
        if (!raft.isLeader() || busy.get()) {
            return;
        }
        for (Member m : raft.members()) {
            if (m.voter() || !busy.compareAndSet(false, true)) {
                continue;
            }
            long commit = raft.commitIndex();
            health.ask(m.id()).thenCompose(view -> {
                long applied = view.path("appliedIndex").asLong(-1);
                if (applied < 0 || commit - applied > CAUGHT_UP) {
                    LOG.debug("learner {} has applied {} of {}: not yet", m.id(), applied, commit);
                    return java.util.concurrent.CompletableFuture.completedFuture(null);
                }
                LOG.info("learner {} has caught up (applied {}, commit index {}): making it a voter", m.id(), applied,
                        commit);
                return raft.promote(m.id());
            }).whenComplete((v, e) -> {
                busy.set(false);
                if (e != null) {
                    LOG.info("learner {} not promoted yet: {}", m.id(), e.getCause() != null ? e.getCause() : e);
                }
            });
            return;
        }
    }
}
