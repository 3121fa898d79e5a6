package io.agentd.daemon.coordinator;

import io.agentd.daemon.raft.Leadership;
import io.agentd.statemachine.command.Command;
import io.agentd.statemachine.command.Reply;
import io.agentd.statemachine.model.Agent;
import io.agentd.statemachine.model.AgentKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;

/**
 * Places failed agents again, on the leader only. An agent whose worker gave up on it (past
 * the supervisor's intensity limit) is {@code failed}; after a backoff that doubles with each
 * attempt of a series, this proposes {@code RescheduleAgent}, and the state machine places it on
 * another worker. A series holds at most {@code attempts}; a failure longer than {@code reset}
 * after the series' last reschedule starts a new one. Past the limit, {@code failed} is final.
 *
 * <p>The decision reads the wall clock against the agent's log time, which is the leader's
 * clock too, so only the leader decides and the log records the outcome with the revision it
 * was decided on and the term of the leader that decided it (refused in an entry of any other
 * term: a deposed leader's decision changes nothing).
 */
public final class RescheduleSweeper {
    private static final Logger LOG = LoggerFactory.getLogger(RescheduleSweeper.class);
    /** Failed agents examined per sweep at most. */
    static final int SCAN = 10_000;

    private final IntFunction<List<Agent>> failed;
    private final Function<Command, CompletableFuture<Reply>> propose;
    private final ScheduledExecutorService scheduler;
    private final int attempts;
    private final Duration backoff;
    private final Duration reset;
    private final LongSupplier wallClock;
    private final Set<AgentKey> inFlight = new HashSet<>();
    private ScheduledFuture<?> task;
    /** The term this node leads in; 0 when it does not. */
    private long term;

    public RescheduleSweeper(IntFunction<List<Agent>> failed, Function<Command, CompletableFuture<Reply>> propose,
                             ScheduledExecutorService scheduler, int attempts, Duration backoff, Duration reset,
                             LongSupplier wallClock) {
        this.failed = failed;
        this.propose = propose;
        this.scheduler = scheduler;
        this.attempts = attempts;
        this.backoff = backoff;
        this.reset = reset;
        this.wallClock = wallClock;
    }

    public synchronized void leadershipChanged(Leadership now) {
        if (task != null) {
            task.cancel(false);
            task = null;
        }
        inFlight.clear();
        term = now.term();
        if (now.leading() && attempts > 0) {
            long period = Math.max(100, Math.min(1000, backoff.toMillis() / 4));
            task = scheduler.scheduleWithFixedDelay(this::sweepSafely, period, period, TimeUnit.MILLISECONDS);
        }
    }

    /** The attempt a reschedule of {@code a} would be now, or 0 when its series is spent. */
    int nextAttempt(Agent a, long now) {
        boolean newSeries = a.reschedules() == 0 || now - a.rescheduleTime() > reset.toMillis();
        int attempt = newSeries ? 1 : a.reschedules() + 1;
        return attempt > attempts ? 0 : attempt;
    }

    /** When (log time, ms) the reschedule of {@code a} as {@code attempt} is due. */
    long dueAt(Agent a, int attempt) {
        long wait = backoff.toMillis() << Math.min(6, attempt - 1);
        return a.updateTime() + wait;
    }

    private void sweepSafely() {
        try {
            sweep();
        } catch (RuntimeException e) {
            LOG.warn("reschedule sweep failed; retrying on the next tick", e);
        }
    }

    void sweep() {
        long now = wallClock.getAsLong();
        for (Agent a : failed.apply(SCAN)) {
            int attempt = nextAttempt(a, now);
            if (attempt == 0 || now < dueAt(a, attempt)) {
                continue;
            }
            long decidedIn;
            synchronized (this) {
                if (task == null || !inFlight.add(a.key())) {
                    continue;
                }
                decidedIn = term;
            }
            LOG.info("rescheduling failed agent {} (attempt {} of {}, last on {})", a.key(), attempt, attempts,
                    a.lastWorker());
            propose.apply(new Command.RescheduleAgent(a.namespace(), a.name(), a.revision(), attempt, decidedIn))
                    .whenComplete((reply, err) -> {
                        if (err != null) {
                            LOG.warn("rescheduling {}: {}", a.key(), err.toString());
                        } else if (!reply.isOk()) {
                            LOG.info("rescheduling {} refused: {}", a.key(), reply.message());
                        }
                        synchronized (this) {
                            inFlight.remove(a.key());
                        }
                    });
        }
    }
}
