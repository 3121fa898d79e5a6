package io.agentd.worker;

import io.agentd.client.AgentdClient;
import io.agentd.client.api.AgentView;
import io.agentd.worker.process.WatchdogScript;
import io.agentd.worker.process.WatchdogSpares;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code agentd worker}: leases agents from the coordinators and runs each under a watchdog.
 * This class puts the parts together and starts and stops them; each part has one job:
 * <ul>
 *   <li>{@link LeaseKeeper}: registration, renewals, the lease deadline, self-fencing;</li>
 *   <li>{@link AssignmentWatcher} and {@link Assignments}: what is assigned here, and what ended here;</li>
 *   <li>{@link Supervisor}: the instance table, starts, restarts by policy, stops;</li>
 *   <li>{@link Reporter}: status and health reports and checkpoints to the coordinators;</li>
 *   <li>{@link AgentSecrets} and {@link LocalApi}: the agents' own API on this host;</li>
 *   <li>{@link ShutdownDrain}: moving the agents elsewhere before an exit.</li>
 * </ul>
 *
 * <p>Safety (docs/design-notes.md, "Workers"): the lease is measured from when the last
 * successful renewal was <em>sent</em>, on the monotonic clock. Every process gets that
 * deadline (less the fence margin and its kill grace) through its watchdog, which kills it
 * without the JVM's help; the JVM also stops everything itself when the deadline passes. An
 * assignment is started only while the lease is valid, and a report carries the fencing token.
 *
 * <p>Threads: all decisions run on one thread ({@code worker-actions}), which never waits on the
 * network, so a lost or silent link cannot delay fencing. The heartbeat, the assignment watcher
 * and the reports do the network calls on threads of their own and feed it.
 */
public final class WorkerDaemon implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerDaemon.class);

    private final WorkerConfig config;
    private final String advertised;
    private final ScheduledExecutorService actions;
    private final AgentdClient client;
    private final WatchdogSpares spares;
    private final LocalApi localApi;
    private final Reporter reporter;
    private final LeaseKeeper lease;
    private final Assignments assignments = new Assignments();
    private final Supervisor supervisor;
    private final AssignmentWatcher watcher;
    private final ShutdownDrain drain;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private static final Duration PROVIDER_LIST_EVERY = Duration.ofSeconds(5);
    private final java.util.concurrent.ScheduledExecutorService providerTimer;
    private final ProviderShares providers;
    /** Reads the providers' definitions (which exist, the groups) every few seconds; off the reservations' thread. */
    private final java.util.concurrent.ScheduledExecutorService providerList;

    private WorkerDaemon(WorkerConfig config) throws IOException {
        this.config = config;
        Files.createDirectories(config.dataDir);
        AgentSecrets secrets = new AgentSecrets();
        this.actions = Executors.newSingleThreadScheduledExecutor(r -> daemonThread(r, "worker-actions"));
        String host = WorkerConfig.host(config.address);
        String token = config.token();
        this.providerTimer = Executors.newSingleThreadScheduledExecutor(r -> daemonThread(r, "worker-providers"));
        this.providers = new ProviderShares(System::nanoTime, providerTimer);
        providerTimer.scheduleWithFixedDelay(providers::expireReservations, 10, 10, TimeUnit.SECONDS);
        this.providerList = Executors.newSingleThreadScheduledExecutor(r -> daemonThread(r, "worker-provider-list"));
        this.localApi = new LocalApi(new InetSocketAddress(host, WorkerConfig.port(config.address)),
                config.dataDir.resolve("agents"), new AgentCalls(secrets), token, providers);
        this.advertised = WorkerConfig.join(host, localApi.port());
        Path watchdog = WatchdogScript.install(config.dataDir);
        this.spares = new WatchdogSpares(watchdog, config.dataDir, config.spareWatchdogs);
        this.client = config.client().token(token).requestTimeout(Duration.ofSeconds(3)).build();
        AgentdClient watchClient = config.client().token(token).requestTimeout(Duration.ofSeconds(40)).build();
        // Bounded, but not tight: a slow renewal still counts from when it was sent, and fencing
        // does not wait for it (the actions thread checks the lease on its own).
        AgentdClient heartbeatClient = config.client().token(token).requestTimeout(Duration.ofSeconds(2))
                .deadline(Duration.ofSeconds(4)).build();
        this.drain = new ShutdownDrain(config, client);
        this.reporter = new Reporter(client, actions, System::nanoTime);
        this.lease = new LeaseKeeper(config, heartbeatClient, advertised, actions, System::nanoTime,
                drain::undoAfterRegistration);
        lease.providers(providers);
        this.supervisor = new Supervisor(new Supervisor.Setup(config, watchdog, "http://" + advertised,
                RunningAgent.underWatchdogs(spares)), lease, assignments, reporter, secrets, actions, System::nanoTime);
        this.watcher = new AssignmentWatcher(config.workerId, watchClient, heartbeatClient::preferredEndpoint,
                lease, actions, assignments, supervisor);
        WorkerMetrics metrics = new WorkerMetrics(config, supervisor, actions, () -> lease.left(Duration.ZERO));
        localApi.serveMetrics(metrics::scrape, WorkerMetrics.contentType());
        providerList.scheduleWithFixedDelay(() -> {
            try {
                // A stale read: served from any server's replica without a Raft round, and a
                // definition a few seconds old is as good here.
                providers.definitions(client.send(io.agentd.client.Api.listProviders()
                        .withRead(io.agentd.client.ReadOptions.staleRead())).value());
            } catch (RuntimeException e) {
                LOG.debug("reading the providers failed: {}", e.toString());
            }
        }, 0, PROVIDER_LIST_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        reporter.outcomes(new Reporter.Outcomes() {
            @Override
            public void ended(AgentView a, long revision) {
                assignments.confirmed(Instance.key(a), a.fencingToken(), revision);
            }

            @Override
            public void refused(AgentView a) {
                supervisor.refused(a);
            }
        });
    }

    static Thread daemonThread(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    public static WorkerDaemon start(WorkerConfig config) throws IOException {
        WorkerDaemon d = new WorkerDaemon(config);
        d.lease.start(new LeaseKeeper.Holder() {
            @Override
            public Duration longestKillGrace() {
                return d.supervisor.longestKillGrace();
            }

            @Override
            public void extended(boolean afterLapse) {
                if (afterLapse) {
                    d.watcher.reconcileKnown();
                }
                d.supervisor.leaseExtended();
            }

            @Override
            public void fence(String why) {
                d.supervisor.fenceAll(why);
            }

            @Override
            public void lost() {
                d.assignments.forget(); // handed on: what this worker knew it held is void now
                d.watcher.resync();
                d.supervisor.fenceAll("lease lost");
            }
        });
        d.watcher.start();
        return d;
    }

    public String id() {
        return config.workerId;
    }

    /**
     * Completes with the reason when this worker cannot run agents: timings set by the operator
     * (heartbeat interval, fence margin, stop grace) cannot fit the TTL the coordinators announce.
     * It has stopped renewing and stopped its agents by then; the caller should {@link #close()}
     * it and exit with a failure.
     */
    public CompletableFuture<String> cannotRun() {
        return lease.cannotRun();
    }

    /** The address the worker advertises (its local API). */
    public String address() {
        return advertised;
    }

    /** The local API's calls, answered by the parts that own them. */
    private final class AgentCalls implements LocalApi.Agents {
        private final AgentSecrets secrets;

        AgentCalls(AgentSecrets secrets) {
            this.secrets = secrets;
        }

        @Override
        public LocalApi.AgentIdentity identity(String secret) {
            Instance i = secrets.holder(secret);
            if (i == null) {
                return null;
            }
            AgentView a = i.assignment;
            return new LocalApi.AgentIdentity(secret, a.namespace(), a.name(), i.checkpoint);
        }

        @Override
        public CompletableFuture<LocalApi.Answer> saveCheckpoint(LocalApi.AgentIdentity who, String data) {
            Instance i = secrets.holder(who.secret());
            return i == null ? CompletableFuture.completedFuture(Reporter.gone()) : reporter.saveCheckpoint(i, data);
        }

        @Override
        public CompletableFuture<LocalApi.Answer> reportHealth(LocalApi.AgentIdentity who, String status,
                                                              String progress) {
            Instance i = secrets.holder(who.secret());
            if (i == null) {
                return CompletableFuture.completedFuture(Reporter.gone());
            }
            try {
                return CompletableFuture.supplyAsync(() -> supervisor.health(i, status, progress), actions)
                        .thenCompose(answer -> answer);
            } catch (RuntimeException e) {
                return CompletableFuture.completedFuture(
                        LocalApi.Answer.error(503, "UNAVAILABLE", "the worker is stopping"));
            }
        }
    }

    /** Runs {@code work} on the actions thread and waits for it, at most 5 s. */
    private <T> T onActions(Callable<T> work) throws Exception {
        return actions.submit(work).get(5, TimeUnit.SECONDS);
    }

    /**
     * Shutdown by draining (see {@link ShutdownDrain}), then {@link #close()}. Bounded by the
     * timeout plus {@link #close()}'s own bound.
     */
    public void drainThenClose(Duration timeout) {
        if (!running.get()) {
            return;
        }
        drain.drain(timeout, () -> {
            try {
                return onActions(() -> !supervisor.anyProcess(false));
            } catch (Exception e) {
                throw new IllegalStateException("the actions thread did not answer: " + e, e);
            }
        }, running::get);
        close();
    }

    /** Stops every agent (SIGTERM, then SIGKILL after the grace) and waits, bounded. */
    @Override
    public void close() {
        if (!running.compareAndSet(true, false)) {
            return;
        }
        lease.close();
        watcher.close();
        try {
            onActions(() -> {
                supervisor.shutdown();
                return null;
            });
            long end = System.nanoTime() + lease.timings().stopGrace().plusSeconds(3).toNanos();
            while (System.nanoTime() < end && onActions(() -> supervisor.anyProcess(true))) {
                Thread.sleep(50);
            }
        } catch (Exception e) {
            LOG.warn("stopping agents at shutdown", e);
        }
        actions.shutdownNow();
        spares.close();
        reporter.close(Duration.ofSeconds(2)); // reports already queued still go out, briefly
        localApi.close();
        providerTimer.shutdownNow();
        providerList.shutdownNow();
    }
}
