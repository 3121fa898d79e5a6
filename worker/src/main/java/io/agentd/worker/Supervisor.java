package io.agentd.worker;

import io.agentd.client.api.AgentView;
import io.agentd.worker.process.AgentLaunch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * The instance table: which assignment runs here as which process. Brings the processes in line
 * with the assignments, starts each only while the lease leaves time for it, restarts by the
 * agent's restart policy ({@link RestartPolicy}), stops what is no longer assigned here, and
 * reports each end with its fencing token.
 *
 * <p>Threads: every method runs on the actions thread, which never waits on the network; the
 * processes' exits and the fetched checkpoints come back to it through {@code actions}.
 */
final class Supervisor {
    private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);

    /** How long a fresh process must stay up before it is reported running. */
    static final Duration RUNNING_AFTER = Duration.ofMillis(250);
    /** An agent is started only with at least this much lease left. */
    static final Duration MIN_LEASE_TO_START = Duration.ofMillis(200);

    /** The lease as the supervisor sees it. */
    interface Lease {
        /** How long a process killed with this grace may still run; negative when it must stop now. Any thread. */
        Duration left(Duration killGrace);

        LeaseTimings timings();
    }

    /** What the supervisor sends to the coordinators ({@link Reporter}); each returns at once. */
    interface Reports {
        /** A status report, sent in order with the agent's other calls. */
        void status(AgentView a, String state, Integer exit, int restarts);

        /** The checkpoint handed over with the assignment, or null. */
        CompletableFuture<String> fetchCheckpoint(AgentView a);

        /** A health report of a running instance; {@code current} says whether it is still assigned here. */
        CompletableFuture<LocalApi.Answer> health(Instance i, String status, String progress,
                                                  Predicate<Instance> current);
    }

    /** Where the processes come from and where they run. */
    record Setup(WorkerConfig config, Path watchdogScript, String localApiUrl, RunningAgent.Starter starter) {
    }

    private final Setup setup;
    private final Lease lease;
    private final Assignments assignments;
    private final Reports reporter;
    private final AgentSecrets secrets;
    private final ScheduledExecutorService actions;
    private final LongSupplier clock;
    private final RestartPolicy restartPolicy;
    /** "ns/name" -> the instance assigned here. */
    private final Map<String, Instance> instances = new HashMap<>();
    /** Restarts by supervision and agents fenced, since the worker started: for /metrics. Any thread. */
    final java.util.concurrent.atomic.AtomicLong restartsTotal = new java.util.concurrent.atomic.AtomicLong();
    final java.util.concurrent.atomic.AtomicLong fencedTotal = new java.util.concurrent.atomic.AtomicLong();
    private boolean running = true;

    Supervisor(Setup setup, Lease lease, Assignments assignments, Reports reporter, AgentSecrets secrets,
               ScheduledExecutorService actions, LongSupplier clock) {
        this.setup = setup;
        this.lease = lease;
        this.assignments = assignments;
        this.reporter = reporter;
        this.secrets = secrets;
        this.actions = actions;
        this.clock = clock;
        this.restartPolicy = new RestartPolicy(setup.config().maxRestarts, setup.config().restartWindow);
    }

    /**
     * Brings the processes in line with the assignments. With {@code complete} the list is
     * everything assigned here, and any other instance is stale and stopped; otherwise it holds
     * only some agents (changes) and the others are left alone.
     */
    void reconcile(Collection<AgentView> assigned, boolean complete) {
        if (!running) {
            return;
        }
        Set<String> seen = new HashSet<>();
        for (AgentView a : assigned) {
            String k = Instance.key(a);
            seen.add(k);
            Instance i = instances.get(k);
            boolean run = "starting".equals(a.state()) || "running".equals(a.state());
            boolean stop = "migrating".equals(a.state()) || "stopping".equals(a.state());
            if (i != null && !a.fencingToken().equals(i.assignment.fencingToken())) {
                // A new assignment replaces an old one of ours: the old instance is stale.
                stopStale(i);
                i = null;
            }
            if (run && i == null && assignments.mayStart(a)) {
                startNew(a);
            } else if (stop) {
                if (i == null) {
                    report(a, "stopped", null, 0); // nothing runs here (e.g. after a restart of this worker)
                } else if (!i.state.stopping()) {
                    i.assignment = a;
                    if (i.process != null) {
                        i.state = InstanceState.STOPPING;
                        i.process.stop(lease.timings().stopGrace());
                    } else {
                        instances.remove(k);
                        report(a, "stopped", null, 0);
                    }
                }
            } else if (i != null) {
                i.assignment = a;
            }
        }
        if (complete) {
            for (Instance i : new TreeMap<>(instances).values()) {
                if (!seen.contains(i.key)) {
                    stopStale(i);
                }
            }
        }
    }

    /** The instance's assignment has moved on: it leaves the table and its process stops, unreported. */
    private void stopStale(Instance i) {
        LOG.info("{} is no longer assigned here with token {}: stopping it", i.key, i.token());
        instances.remove(i.key);
        assignments.ended(i.key, i.token());
        i.state = InstanceState.STOPPING;
        if (i.process != null) {
            i.process.stop(lease.timings().stopGrace());
        }
    }

    /** A report of this assignment was refused for its token: an instance still running under it must stop. */
    void refused(AgentView a) {
        Instance i = instances.get(Instance.key(a));
        if (i != null && i.assignment.fencingToken().equals(a.fencingToken())) {
            stopStale(i);
        }
    }

    private void startNew(AgentView a) {
        Instance i = new Instance(a);
        instances.put(i.key, i);
        if (a.checkpointRevision() == null) {
            launch(i);
            return;
        }
        // The handed-over checkpoint comes first; fetched off this thread, then started here.
        i.state = InstanceState.FETCHING_CHECKPOINT;
        reporter.fetchCheckpoint(a).thenAcceptAsync(checkpoint -> {
            i.checkpoint = checkpoint;
            if (running && instances.get(i.key) == i && i.state == InstanceState.FETCHING_CHECKPOINT) {
                launch(i);
            }
        }, actions);
    }

    private void launch(Instance i) {
        AgentView a = i.assignment;
        Duration grace = lease.timings().stopGrace();
        Duration left = lease.left(grace);
        if (left.compareTo(MIN_LEASE_TO_START) < 0) {
            if (i.state != InstanceState.WAITING_FOR_LEASE) {
                LOG.info("not starting {} yet: no valid lease", i.key);
            }
            i.state = InstanceState.WAITING_FOR_LEASE;
            actions.schedule(() -> relaunch(i), lease.timings().renewInterval().toMillis(), TimeUnit.MILLISECONDS);
            return;
        }
        WorkerConfig config = setup.config();
        try {
            AgentLaunch launch = new AgentLaunch(i.key, a.spec().command(), a.spec().args(), environment(i),
                    a.spec().workingDir() == null ? null : Path.of(a.spec().workingDir()),
                    config.dataDir.resolve("agents").resolve(a.namespace()).resolve(a.name()),
                    config.logMaxBytes, config.logFiles, left, grace, setup.watchdogScript());
            RunningAgent p = setup.starter().start(launch);
            i.process = p;
            i.killGrace = grace;
            i.state = InstanceState.RUNNING;
            p.pid().thenAccept(pid -> LOG.info("started {} (token {}, pid {})", i.key, a.fencingToken(), pid));
            p.exit().whenComplete((code, err) -> actions.execute(() -> exited(i, p, code)));
            // Reported running once it has stayed up briefly, so a command that fails at once
            // (not found, bad arguments) shows as a failed start rather than a run.
            actions.schedule(() -> {
                if (i.process == p && p.alive() && i.state == InstanceState.RUNNING) {
                    report(i, "running", i.lastExit);
                }
            }, RUNNING_AFTER.toMillis(), TimeUnit.MILLISECONDS);
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not start {}: {}", i.key, e.toString());
            i.process = null;
            secrets.revoke(i);
            onExit(i, 127);
        }
    }

    /** The agent's whole environment: its spec's, a PATH, and who it is (with a fresh secret). */
    private Map<String, String> environment(Instance i) {
        AgentView a = i.assignment;
        Map<String, String> env = new TreeMap<>(a.spec().env());
        env.putIfAbsent("PATH", System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
        env.put("AGENTD_AGENT_ID", Long.toString(a.id()));
        env.put("AGENTD_AGENT_NAME", a.name());
        env.put("AGENTD_NAMESPACE", a.namespace());
        env.put("AGENTD_FENCING_TOKEN", Long.toString(a.fencingToken()));
        env.put("AGENTD_WORKER_ID", setup.config().workerId);
        env.put("AGENTD_LOCAL_API", setup.localApiUrl());
        String checkpoint = i.checkpoint;
        if (checkpoint != null) {
            env.put("AGENTD_CHECKPOINT", checkpoint);
        }
        env.put("AGENTD_AGENT_SECRET", secrets.issue(i));
        return env;
    }

    private void relaunch(Instance i) {
        if (running && instances.get(i.key) == i && i.state.awaitsStart()) {
            launch(i);
        }
    }

    private void exited(Instance i, RunningAgent p, Integer code) {
        if (i.process != p) {
            return;
        }
        i.process = null;
        secrets.revoke(i);
        int exit = code == null ? -1 : code;
        if (!i.state.stopping() && lease.left(i.killGrace).isNegative()) {
            // Its watchdog killed it at the lease deadline, before this thread looked: a fence, not a crash.
            LOG.warn("{} was stopped by its watchdog: no lease renewal for {} ms", i.key,
                    lease.timings().ttl().toMillis());
            i.state = InstanceState.FENCED;
        }
        if (i.state == InstanceState.FENCED) {
            // Not ended: if the coordinators never moved it, it starts again under a new lease.
            instances.remove(i.key, i);
            return;
        }
        if (i.state == InstanceState.STOPPING) {
            if (instances.get(i.key) == i) {
                instances.remove(i.key);
                report(i, "stopped", exit);
            }
            return;
        }
        LOG.info("{} exited with code {}", i.key, exit);
        onExit(i, exit);
    }

    /** Supervision: restart by policy with backoff, within the intensity limit; else report. */
    private void onExit(Instance i, int exit) {
        i.lastExit = exit;
        RestartPolicy.Next next = restartPolicy.afterExit(i.assignment.spec().restart(), exit, i.restartTimes,
                clock.getAsLong());
        if (next instanceof RestartPolicy.End end) {
            if (end.gaveUp()) {
                LOG.warn("{} restarted {} times within {}: giving up (last exit {})", i.key, i.restartTimes.size(),
                        setup.config().restartWindow, exit);
            }
            instances.remove(i.key);
            report(i, end.state(), exit);
            return;
        }
        i.restarts++;
        restartsTotal.incrementAndGet();
        i.state = InstanceState.BACKING_OFF;
        actions.schedule(() -> relaunch(i), ((RestartPolicy.Restart) next).backoff().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void report(Instance i, String state, Integer exit) {
        report(i.assignment, state, exit, i.restarts);
    }

    /** Sends a report; one that ends the assignment here also marks it never to be started again. */
    private void report(AgentView a, String state, Integer exit, int restarts) {
        if (!"running".equals(state)) {
            assignments.ended(Instance.key(a), a.fencingToken());
        }
        reporter.status(a, state, exit, restarts);
    }

    /** The lease moved on: every watchdog gets the new deadline. */
    void leaseExtended() {
        for (Instance i : instances.values()) {
            if (i.process != null) {
                i.process.extendLease(lease.left(i.killGrace));
            }
        }
    }

    /** Self-fencing: every process stops now; their ends are not reported, and they may start again under a new lease. */
    /** How many instances are in each state. On the actions thread. */
    Map<InstanceState, Integer> stateCounts() {
        Map<InstanceState, Integer> counts = new java.util.EnumMap<>(InstanceState.class);
        for (InstanceState st : InstanceState.values()) {
            counts.put(st, 0);
        }
        instances.values().forEach(i -> counts.merge(i.state, 1, Integer::sum));
        return counts;
    }

    void fenceAll(String why) {
        for (Instance i : instances.values()) {
            if (i.process != null) {
                i.state = InstanceState.FENCED;
                i.process.stop(lease.timings().stopGrace());
                fencedTotal.incrementAndGet();
            }
        }
        instances.values().removeIf(i -> i.process == null);
        LOG.warn("fenced: {}", why);
    }

    /** The largest kill grace of the processes that run now, or null when none runs. */
    Duration longestKillGrace() {
        Duration longest = null;
        for (Instance i : instances.values()) {
            if (i.process != null && (longest == null || i.killGrace.compareTo(longest) > 0)) {
                longest = i.killGrace;
            }
        }
        return longest;
    }

    /** Whether any process of an instance in the table is still there ({@code aliveOnly}: still running). */
    boolean anyProcess(boolean aliveOnly) {
        return instances.values().stream().anyMatch(i -> i.process != null && (!aliveOnly || i.process.alive()));
    }

    /** The worker is shutting down: nothing starts any more, and every process stops. */
    void shutdown() {
        running = false;
        fenceAll("worker shutting down");
    }

    /** Forwards a health report of the instance (see {@link Reporter#health}). */
    CompletableFuture<LocalApi.Answer> health(Instance i, String status, String progress) {
        if (instances.get(i.key) != i || i.process == null) {
            return CompletableFuture.completedFuture(Reporter.gone());
        }
        return reporter.health(i, status, progress, x -> instances.get(x.key) == x);
    }

    /** How many instances the table holds. */
    int size() {
        return instances.size();
    }
}
