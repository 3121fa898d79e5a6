package io.agentd.worker;

import io.agentd.client.AgentdClient;
import io.agentd.client.api.AgentSpecView;
import io.agentd.client.api.AgentView;
import io.agentd.worker.process.AgentLaunch;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The worker's decision side (watcher answers, assignments, supervisor) on a real actions thread,
 * with stand-ins for everything outside the JVM: processes that exit when told, a lease the test
 * sets, and reports that are recorded instead of sent.
 */
final class WorkerHarness implements AutoCloseable {
    /** A status report as the supervisor made it. */
    record Report(String key, long token, String state, Integer exit, int restarts) {
    }

    /** A process that runs until the test ends it or the supervisor stops it. */
    static final class FakeAgent implements RunningAgent {
        final AgentLaunch launch;
        final CompletableFuture<Integer> exit = new CompletableFuture<>();
        volatile Duration lastLease;
        volatile Duration stoppedWith;

        FakeAgent(AgentLaunch launch) {
            this.launch = launch;
            this.lastLease = launch.initialLease();
        }

        @Override
        public void extendLease(Duration remaining) {
            lastLease = remaining;
        }

        @Override
        public void stop(Duration grace) {
            stoppedWith = grace;
            exit.complete(143);
        }

        @Override
        public boolean alive() {
            return !exit.isDone();
        }

        @Override
        public CompletableFuture<Long> pid() {
            return CompletableFuture.completedFuture(4242L);
        }

        @Override
        public CompletableFuture<Integer> exit() {
            return exit.copy();
        }

        long token() {
            return Long.parseLong(launch.env().get("AGENTD_FENCING_TOKEN"));
        }
    }

    final ScheduledExecutorService actions = Executors.newSingleThreadScheduledExecutor();
    final Assignments assignments = new Assignments();
    final List<FakeAgent> started = Collections.synchronizedList(new ArrayList<>());
    final List<Report> reports = Collections.synchronizedList(new ArrayList<>());
    volatile Duration leaseLeft = Duration.ofHours(1);
    final LeaseTimings timings = new LeaseTimings(Duration.ofSeconds(10), Duration.ofMillis(100),
            Duration.ofSeconds(1), Duration.ofSeconds(2));
    final Supervisor supervisor;
    final AssignmentWatcher watcher;
    /** The revision of the worker's registration in these tests. */
    static final long REGISTRATION = 1;

    WorkerHarness(Path dataDir, int maxRestarts) {
        WorkerConfig config = new WorkerConfig();
        config.workerId = "w1";
        config.dataDir = dataDir;
        config.maxRestarts = maxRestarts;
        Supervisor.Lease lease = new Supervisor.Lease() {
            @Override
            public Duration left(Duration killGrace) {
                return leaseLeft.minus(killGrace);
            }

            @Override
            public LeaseTimings timings() {
                return timings;
            }
        };
        Supervisor.Reports recorder = new Supervisor.Reports() {
            @Override
            public void status(AgentView a, String state, Integer exit, int restarts) {
                reports.add(new Report(Instance.key(a), a.fencingToken(), state, exit, restarts));
            }

            @Override
            public CompletableFuture<String> fetchCheckpoint(AgentView a) {
                return CompletableFuture.completedFuture("handed-over");
            }

            @Override
            public CompletableFuture<LocalApi.Answer> health(Instance i, String status, String progress,
                                                             Predicate<Instance> current) {
                return CompletableFuture.completedFuture(new LocalApi.Answer(202, Map.of()));
            }
        };
        RunningAgent.Starter starter = launch -> {
            FakeAgent a = new FakeAgent(launch);
            started.add(a);
            return a;
        };
        supervisor = new Supervisor(new Supervisor.Setup(config, dataDir.resolve("agentd-watchdog"),
                "http://127.0.0.1:1", starter), lease, assignments, recorder, new AgentSecrets(), actions, System::nanoTime);
        AssignmentWatcher.Registration registered = new AssignmentWatcher.Registration() {
            @Override
            public long revision() {
                return REGISTRATION;
            }

            @Override
            public boolean changing() {
                return false;
            }
        };
        watcher = new AssignmentWatcher("w1", AgentdClient.builder().endpoint(URI.create("http://127.0.0.1:1")).build(),
                () -> null, registered, actions, assignments, supervisor);
    }

    /** Runs {@code work} on the actions thread after everything queued there before it, and returns its result. */
    <T> T onActions(Callable<T> work) throws Exception {
        return actions.submit(work).get(10, TimeUnit.SECONDS);
    }

    void onActions(Runnable work) throws Exception {
        onActions(() -> {
            work.run();
            return null;
        });
    }

    /** Lets what is queued on the actions thread run, twice over (an exit queues its handling). */
    void settle() throws Exception {
        onActions(() -> { });
        onActions(() -> { });
    }

    void full(long revision, AgentView... agents) throws Exception {
        onActions(() -> watcher.answered(true, 0, revision, REGISTRATION, List.of(agents)));
    }

    void changes(long since, long revision, AgentView... agents) throws Exception {
        onActions(() -> watcher.answered(false, since, revision, REGISTRATION, List.of(agents)));
    }

    List<FakeAgent> startedWith(String name, long token) {
        synchronized (started) {
            return started.stream().filter(a -> a.launch.agentId().equals("default/" + name) && a.token() == token)
                    .toList();
        }
    }

    List<Report> reportsOf(String name) {
        synchronized (reports) {
            return reports.stream().filter(r -> r.key().equals("default/" + name)).toList();
        }
    }

    /** An agent of namespace default as the watcher would see it. */
    static AgentView agent(String name, long token, String state, String restart) {
        return agent(name, token, state, restart, null);
    }

    static AgentView agent(String name, long token, String state, String restart, Long checkpointRevision) {
        AgentSpecView spec = new AgentSpecView("/bin/true", List.of(), Map.of(), null, 1, Map.of(), Map.of(), restart);
        return new AgentView("default", name, 1, spec, "running", state, "w1", token, null, null, 0, Map.of(), 1, token,
                null, null, null, checkpointRevision, 0, List.of(), null);
    }

    @Override
    public void close() {
        actions.shutdownNow();
    }
}
