package io.agentd.daemon.coordinator;

import io.agentd.daemon.raft.Member;
import io.agentd.daemon.raft.RaftNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Removes dead voters (off by default: {@code autopilot-cleanup-dead-servers}). On the leader,
 * every second: a voter it has not heard from for the grace period is removed, one at a time,
 * when the voters left still number at least {@code min-voters} and those the leader hears from
 * are a majority of them (so the removal itself can commit, and the group is no weaker for it).
 * The silence is Ratis' own count on the leader, since its last answer; a new leader starts
 * counting afresh, which only delays a removal.
 */
public final class Autopilot {
    private static final Logger LOG = LoggerFactory.getLogger(Autopilot.class);
    private final RaftNode raft;
    private final Duration grace;
    private final Duration alive;
    private final int minVoters;
    private final AtomicBoolean busy = new AtomicBoolean();

    /**
     * @param grace     silence after which a voter is dead
     * @param alive     a voter heard from within this is alive (the election timeout)
     * @param minVoters voters autopilot never goes below
     */
    public Autopilot(RaftNode raft, Duration grace, Duration alive, int minVoters) {
        this.raft = raft;
        this.grace = grace;
        this.alive = alive;
        this.minVoters = minVoters;
    }

    public void start(ScheduledExecutorService timer) {
        LOG.info("autopilot: voters silent for {} are removed while at least {} remain", grace, minVoters);
        timer.scheduleWithFixedDelay(this::check, 1, 1, TimeUnit.SECONDS);
    }

    void check() {
        if (!raft.isLeader() || busy.get()) {
            return;
        }
        List<Member> voters = raft.members().stream().filter(Member::voter).toList();
        Map<String, Long> silence = raft.followerLastContactMillis();
        String self = raft.nodeId();
        for (Member m : voters) {
            long silentMs = silence.getOrDefault(m.id(), 0L);
            if (m.id().equals(self) || silentMs < grace.toMillis()) {
                continue;
            }
            int left = voters.size() - 1;
            long aliveLeft = voters.stream().filter(v -> !v.id().equals(m.id()))
                    .filter(v -> v.id().equals(self) || silence.getOrDefault(v.id(), Long.MAX_VALUE) <= alive.toMillis())
                    .count();
            if (left < minVoters || aliveLeft <= left / 2) {
                LOG.debug("autopilot: {} silent for {} ms, but removing it would leave {} voters ({} alive)",
                        m.id(), silentMs, left, aliveLeft);
                continue;
            }
            if (!busy.compareAndSet(false, true)) {
                return;
            }
            LOG.warn("autopilot: voter {} has been silent for {} ms (grace {}): removing it", m.id(), silentMs, grace);
            raft.removeMember(m.id()).whenComplete((v, e) -> {
                busy.set(false);
                if (e != null) {
                    LOG.warn("autopilot: removing {} failed: {}", m.id(), e.getCause() != null ? e.getCause() : e);
                } else {
                    LOG.warn("autopilot: removed dead voter {}", m.id());
                }
            });
            return;
        }
    }
}
