package io.agentd.daemon.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentd.daemon.raft.Member;
import io.agentd.daemon.raft.RaftNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * On the leader, makes a learner a voter once it has caught up: its own applied index (asked over
 * the servers' internal route) within {@link #CAUGHT_UP} entries of the leader's commit index. A
 * learner that is behind, or does not answer, gets no vote, so adding a server never costs the
 * group its majority while the newcomer copies the log. Checks every second; one promotion at a
 * time.
 */
public final class LearnerPromoter {
    private static final Logger LOG = LoggerFactory.getLogger(LearnerPromoter.class);
    /** Entries a learner may trail the leader's commit index by and count as caught up. */
    static final long CAUGHT_UP = 100;

    private final BooleanSupplier leading;
    private final Supplier<List<Member>> members;
    private final LongSupplier commitIndex;
    private final Function<String, CompletableFuture<JsonNode>> ask;
    private final Function<String, CompletableFuture<Void>> promote;
    private final AtomicBoolean busy = new AtomicBoolean();

    public LearnerPromoter(RaftNode raft, ClusterHealth health) {
        this(raft::isLeader, raft::members, raft::commitIndex, health::ask, raft::promote);
    }

    /**
     * @param ask     a member's own view ({@code appliedIndex} in it)
     * @param promote makes a learner a voter
     */
    LearnerPromoter(BooleanSupplier leading, Supplier<List<Member>> members, LongSupplier commitIndex,
                    Function<String, CompletableFuture<JsonNode>> ask, Function<String, CompletableFuture<Void>> promote) {
        this.leading = leading;
        this.members = members;
        this.commitIndex = commitIndex;
        this.ask = ask;
        this.promote = promote;
    }

    public void start(ScheduledExecutorService timer) {
        timer.scheduleWithFixedDelay(this::check, 1, 1, TimeUnit.SECONDS);
    }

    /** One check; returns what it started (done at once when there was nothing to do). */
    CompletableFuture<Void> check() {
        if (!leading.getAsBoolean() || !busy.compareAndSet(false, true)) {
            return CompletableFuture.completedFuture(null);
        }
        Member learner = members.get().stream().filter(m -> !m.voter()).findFirst().orElse(null);
        if (learner == null) {
            busy.set(false);
            return CompletableFuture.completedFuture(null);
        }
        long commit = commitIndex.getAsLong();
        CompletableFuture<Void> done;
        try {
            done = ask.apply(learner.id()).thenCompose(view -> {
                long applied = view.path("appliedIndex").asLong(-1);
                if (applied < 0 || commit - applied > CAUGHT_UP) {
                    LOG.debug("learner {} has applied {} of {}: not yet", learner.id(), applied, commit);
                    return CompletableFuture.completedFuture(null);
                }
                LOG.info("learner {} has caught up (applied {}, commit index {}): making it a voter", learner.id(),
                        applied, commit);
                return promote.apply(learner.id());
            });
        } catch (RuntimeException e) {
            done = CompletableFuture.failedFuture(e);
        }
        return done.whenComplete((v, e) -> {
            busy.set(false);
            if (e != null) {
                LOG.info("learner {} not promoted yet: {}", learner.id(), e.getCause() != null ? e.getCause() : e);
            }
        });
    }
}
