package io.agentd.worker;

import io.agentd.client.AgentdClient;
import io.agentd.client.AgentdException;
import io.agentd.client.Api;
import io.agentd.client.ApiReply;
import io.agentd.client.api.AgentView;
import io.agentd.client.api.CheckpointRequest;
import io.agentd.client.api.HealthReport;
import io.agentd.client.api.StatusReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * What this worker tells the coordinators about its agents: status reports, health reports and
 * checkpoints, each carrying the assignment's fencing token, and the checkpoint fetched when an
 * agent arrives here.
 *
 * <p>Threads: the calls go out on a few network threads ({@code worker-io-N}); those of one agent
 * always on the same one, so they reach the coordinators in the order they were made. What comes
 * back that the worker must act on is handed to the actions thread ({@link Outcomes}). The
 * health queue of an instance is kept on the actions thread.
 */
final class Reporter implements Supervisor.Reports {
    private static final Logger LOG = LoggerFactory.getLogger(Reporter.class);

    /** Health reports of one agent go to the coordinators at most this often; the latest wins. */
    static final Duration HEALTH_INTERVAL = Duration.ofSeconds(2);
    static final int NET_IO_THREADS = 4;

    /** What the coordinators' answers to status reports mean for the worker; called on the actions thread. */
    interface Outcomes {
        /** A final report ("stopped", "failed") was accepted; {@code revision}: where it was applied. */
        void ended(AgentView a, long revision);

        /** A report was refused for its token: the assignment has moved on. */
        void refused(AgentView a);
    }

    /** One instance's health reports: the one waiting for its turn, when the last went out (actions thread). */
    static final class HealthQueue {
        private Pending pending;
        private long sentAt;
        private boolean sent;
        private boolean flushScheduled;
    }

    private record Pending(String status, String progress, CompletableFuture<LocalApi.Answer> answer) {
    }

    private final AgentdClient client;
    private final ScheduledExecutorService actions;
    private final LongSupplier clock;
    private final ExecutorService[] netIo = new ExecutorService[NET_IO_THREADS];
    private Outcomes outcomes;

    Reporter(AgentdClient client, ScheduledExecutorService actions, LongSupplier clock) {
        this.client = client;
        this.actions = actions;
        this.clock = clock;
        for (int n = 0; n < NET_IO_THREADS; n++) {
            String name = "worker-io-" + n;
            netIo[n] = Executors.newSingleThreadExecutor(r -> WorkerDaemon.daemonThread(r, name));
        }
    }

    /** Where refusals and accepted ends go; set once, before the first report. */
    void outcomes(Outcomes outcomes) {
        this.outcomes = outcomes;
    }

    /** Sends a status report in order with this agent's other calls; a lost one is logged. Any thread. */
    @Override
    public void status(AgentView a, String state, Integer exit, int restarts) {
        StatusReport r = new StatusReport(a.fencingToken(), state, exit, null, restarts);
        netIo(a).execute(() -> {
            try {
                ApiReply<AgentView> reply = client.send(Api.reportStatus(a.namespace(), a.name(), r));
                if (!"running".equals(state)) {
                    long at = Math.max(reply.revision(), reply.value() == null ? 0 : reply.value().revision());
                    actions.execute(() -> outcomes.ended(a, at));
                }
            } catch (AgentdException e) {
                LOG.info("report {} of {} refused: {}", state, Instance.key(a), e.getMessage());
                if (AgentdException.FAILED_PRECONDITION.equals(e.code())) {
                    actions.execute(() -> outcomes.refused(a));
                }
            } catch (RuntimeException e) {
                LOG.warn("report {} of {} failed: {}", state, Instance.key(a), e.toString());
            }
        });
    }

    /**
     * Queues a health report of the instance (actions thread). It goes out now, or when the
     * instance's {@link #HEALTH_INTERVAL} since the last one has passed; a newer report replaces
     * one still waiting. The answer is the coordinators' once it has been sent, {@code "replaced"}
     * when a newer one took its place, a 409 when the instance has left ({@code current} false).
     */
    @Override
    public CompletableFuture<LocalApi.Answer> health(Instance i, String status, String progress,
                                                     Predicate<Instance> current) {
        CompletableFuture<LocalApi.Answer> answer = new CompletableFuture<>();
        if (i.health.pending != null) {
            i.health.pending.answer().complete(
                    new LocalApi.Answer(202, new TreeMap<>(Map.of("accepted", true, "replaced", true))));
        }
        i.health.pending = new Pending(status, progress, answer);
        flushHealth(i, current);
        return answer;
    }

    private void flushHealth(Instance i, Predicate<Instance> current) {
        HealthQueue q = i.health;
        if (q.pending == null) {
            return;
        }
        if (!current.test(i)) {
            q.pending.answer().complete(gone());
            q.pending = null;
            return;
        }
        long wait = q.sent ? HEALTH_INTERVAL.toNanos() - (clock.getAsLong() - q.sentAt) : 0;
        if (wait > 0) {
            if (!q.flushScheduled) {
                q.flushScheduled = true;
                actions.schedule(() -> {
                    q.flushScheduled = false;
                    flushHealth(i, current);
                }, wait, TimeUnit.NANOSECONDS);
            }
            return;
        }
        Pending h = q.pending;
        q.pending = null;
        q.sent = true;
        q.sentAt = clock.getAsLong();
        AgentView a = i.assignment;
        netIo(a).execute(() -> {
            try {
                client.send(Api.reportHealth(a.namespace(), a.name(),
                        new HealthReport(a.fencingToken(), h.status(), h.progress())));
                h.answer().complete(new LocalApi.Answer(202, Map.of("accepted", true)));
            } catch (AgentdException e) {
                LOG.info("health report of {} not delivered: {}", Instance.key(a), e.getMessage());
                h.answer().complete(LocalApi.Answer.refused(e));
            } catch (RuntimeException e) {
                h.answer().completeExceptionally(e);
            }
        });
    }

    /** Saves an agent's checkpoint under the token its instance runs with, in order with its other calls. Any thread. */
    CompletableFuture<LocalApi.Answer> saveCheckpoint(Instance i, String data) {
        AgentView a = i.assignment;
        return CompletableFuture.supplyAsync(() -> {
            try {
                client.send(Api.putCheckpoint(a.namespace(), a.name(), new CheckpointRequest(a.fencingToken(), data)));
                i.checkpoint = data;
                return new LocalApi.Answer(200, Map.of("saved", true));
            } catch (AgentdException e) {
                return LocalApi.Answer.refused(e);
            }
        }, netIo(a));
    }

    /** The checkpoint handed over with the assignment (null when none, or when it cannot be fetched). Any thread. */
    @Override
    public CompletableFuture<String> fetchCheckpoint(AgentView a) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return client.send(Api.getCheckpoint(a.namespace(), a.name())).value().data();
            } catch (RuntimeException e) {
                LOG.warn("could not fetch the checkpoint of {}: {}", Instance.key(a), e.getMessage());
                return null;
            }
        }, netIo(a));
    }

    static LocalApi.Answer gone() {
        return LocalApi.Answer.error(409, "FAILED_PRECONDITION", "the agent is no longer assigned here");
    }

    /** The network thread of this agent's calls. */
    private ExecutorService netIo(AgentView a) {
        return netIo[Math.floorMod(Instance.key(a).hashCode(), netIo.length)];
    }

    /** Lets the reports already queued go out, for at most {@code bound}, then stops. */
    void close(Duration bound) {
        for (ExecutorService io : netIo) {
            io.shutdown();
        }
        long end = System.nanoTime() + bound.toNanos();
        try {
            for (ExecutorService io : netIo) {
                io.awaitTermination(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (ExecutorService io : netIo) {
            io.shutdownNow();
        }
    }
}
