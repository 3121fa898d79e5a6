package io.agentd.worker;

import io.agentd.client.AgentFilter;
import io.agentd.client.AgentdClient;
import io.agentd.client.AgentdException;
import io.agentd.client.Api;
import io.agentd.client.ApiReply;
import io.agentd.client.ReadOptions;
import io.agentd.client.api.AgentView;
import io.agentd.client.api.HeartbeatView;
import io.agentd.client.api.RegisterWorkerRequest;
import io.agentd.client.api.StatusReport;
import io.agentd.worker.process.AgentLaunch;
import io.agentd.worker.process.AgentProcess;
import io.agentd.worker.process.WatchdogScript;
import io.agentd.worker.process.WatchdogSpares;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code agentd worker}: leases agents from the coordinators and runs each under a watchdog.
 *
 * <p>Safety (docs/design-notes.md, "Workers"): the lease is measured from when the last
 * successful renewal was <em>sent</em>, on the monotonic clock. Every process gets that
 * deadline (less the fence margin and its kill grace) through its watchdog, which kills it
 * without the JVM's help; the JVM also stops everything itself when the deadline passes. An
 * assignment is started only while the lease is valid, and a report carries the fencing token.
 *
 * <p>Threads: all decisions run on one thread ({@code actions}), which never waits on the
 * network, so a lost or silent link cannot delay fencing. The heartbeat ({@code heartbeats}), the
 * assignment watcher ({@code watcher}) and the reports and checkpoint fetches ({@code netIo}: a few
 * threads, each agent's calls always on the same one, so they stay in order) do the network calls
 * and feed it.
 */
public final class WorkerDaemon implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerDaemon.class);

    /** How long a fresh process must stay up before it is reported running. */
    static final Duration RUNNING_AFTER = Duration.ofMillis(250);

    private final WorkerConfig config;
    private final AgentdClient client;
    private final AgentdClient watchClient;
    private final Path watchdog;
    private final WatchdogSpares spares;
    private final AgentdClient heartbeatClient;
    private final ScheduledExecutorService actions;
    private final ScheduledExecutorService heartbeats;
    /** Network calls for agents; those of one agent always go to the same thread, in order. */
    private final ExecutorService[] netIo;
    static final int NET_IO_THREADS = 4;
    private final ExecutorService watcher;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Map<String, Instance> instances = new HashMap<>(); // "ns/name" -> instance; actions thread only
    /**
     * The token of each agent's last instance that ended here. A watcher answer can be older than
     * the report of that end; without this it would start the finished assignment once more.
     */
    private final Map<String, Long> finished = new HashMap<>();
    private volatile long leaseUntilNanos = System.nanoTime(); // no lease yet
    private volatile long ttlMillis;
    private volatile boolean registered; // heartbeat thread
    /**
     * The revision of this worker's current registration. An assignment answer older than it
     * predates the registration (and maybe the expiry before it): it is void, never acted on.
     */
    private volatile long registeredAt = Long.MAX_VALUE;
    /**
     * What this worker knows is assigned to it (actions thread): the last full answer of the
     * watcher with every later change merged in, by "ns/name"; null when it knows nothing valid
     * (before the first full answer, after a lost lease). Reconciled again when a lapsed lease
     * returns. An agent leaves this worker only through its own final report or the expiry of
     * its registration, so changes alone keep it complete; a full answer replaces it now and then.
     */
    private TreeMap<String, AgentView> known;
    /** The revision {@link #known} is at (the last answer merged), and the registration it is valid for. */
    private long knownRevision = -1;
    private long knownRegistration = -1;
    /** Set when the watcher must ask for the full list next (the chain of changes broke). */
    private volatile boolean resyncNeeded = true;

    /** One agent assignment on this worker and its current process. */
    private static final class Instance {
        AgentView assignment;
        AgentProcess process;
        boolean stopRequested;
        /** Stopped by self-fencing: its assignment may live on elsewhere, so nothing is reported. */
        boolean fenced;
        boolean restartPending;
        final ArrayDeque<Long> restartTimes = new ArrayDeque<>();
        /** Restarts by supervision in this assignment, and the last exit code, for reports. */
        int restarts;
        Integer lastExit;
        String secret;
        /** The checkpoint the next start gets: fetched at assignment, then the last one it saved here. */
        volatile String checkpoint;
        /** The latest health report not yet forwarded, when the last one went out, and whether a flush waits. */
        PendingHealth pendingHealth;
        long healthSentNanos;
        boolean healthFlushScheduled;
    }

    /** Health reports of one agent go to the coordinators at most this often; the latest wins. */
    static final Duration HEALTH_INTERVAL = Duration.ofSeconds(2);

    /** A health report waiting for its turn, and the agent's request waiting for its answer. */
    private record PendingHealth(String status, String progress, CompletableFuture<LocalApi.Answer> answer) {
    }

    /** Local API thread: hands a health report to the actions thread; answered once it is sent (or replaced). */
    private CompletableFuture<LocalApi.Answer> reportHealth(LocalApi.AgentIdentity who, String status, String progress) {
        String k = who.namespace() + "/" + who.name();
        CompletableFuture<LocalApi.Answer> answer = new CompletableFuture<>();
        try {
            actions.execute(() -> {
                Instance i = instances.get(k);
                if (i == null || i.process == null) {
                    answer.complete(LocalApi.Answer.error(409, "FAILED_PRECONDITION", "the agent is no longer assigned here"));
                    return;
                }
                if (i.pendingHealth != null) {
                    i.pendingHealth.answer().complete(new LocalApi.Answer(202, new TreeMap<>(Map.of("accepted", true, "replaced", true))));
                }
                i.pendingHealth = new PendingHealth(status, progress, answer);
                flushHealth(i);
            });
        } catch (RuntimeException e) {
            answer.complete(LocalApi.Answer.error(503, "UNAVAILABLE", "the worker is stopping"));
        }
        return answer;
    }

    /** Actions thread: forwards the pending health report now, or schedules it for when allowed. */
    private void flushHealth(Instance i) {
        if (i.pendingHealth == null) {
            return;
        }
        if (instances.get(key(i.assignment)) != i) {
            i.pendingHealth.answer().complete(LocalApi.Answer.error(409, "FAILED_PRECONDITION",
                    "the agent is no longer assigned here"));
            i.pendingHealth = null;
            return;
        }
        long wait = i.healthSentNanos == 0 ? 0 : HEALTH_INTERVAL.toNanos() - (System.nanoTime() - i.healthSentNanos);
        if (wait > 0) {
            if (!i.healthFlushScheduled) {
                i.healthFlushScheduled = true;
                actions.schedule(() -> {
                    i.healthFlushScheduled = false;
                    flushHealth(i);
                }, wait, TimeUnit.NANOSECONDS);
            }
            return;
        }
        PendingHealth h = i.pendingHealth;
        i.pendingHealth = null;
        i.healthSentNanos = System.nanoTime();
        AgentView a = i.assignment;
        netIo(a).execute(() -> {
            try {
                client.send(Api.reportHealth(a.namespace(), a.name(),
                        new io.agentd.client.api.HealthReport(a.fencingToken(), h.status(), h.progress())));
                h.answer().complete(new LocalApi.Answer(202, Map.of("accepted", true)));
            } catch (AgentdException e) {
                LOG.info("health report of {} not delivered: {}", key(a), e.getMessage());
                h.answer().complete(LocalApi.Answer.refused(e));
            } catch (RuntimeException e) {
                h.answer().completeExceptionally(e);
            }
        });
    }

    private LocalApi.AgentIdentity identity(String secret) {
        Instance i = bySecret.get(secret);
        if (i == null) {
            return null;
        }
        AgentView a = i.assignment;
        return new LocalApi.AgentIdentity(a.namespace(), a.name(), i.checkpoint);
    }

    /** Saves an agent's checkpoint under the token it runs with, in order with its other calls. */
    private CompletableFuture<LocalApi.Answer> saveCheckpoint(LocalApi.AgentIdentity who, String data) {
        Instance i = bySecret.values().stream()
                .filter(x -> x.assignment.namespace().equals(who.namespace()) && x.assignment.name().equals(who.name()))
                .findFirst().orElse(null);
        if (i == null) {
            return CompletableFuture.completedFuture(
                    LocalApi.Answer.error(409, "FAILED_PRECONDITION", "the agent is no longer assigned here"));
        }
        AgentView a = i.assignment;
        return CompletableFuture.supplyAsync(() -> {
            try {
                client.send(Api.putCheckpoint(a.namespace(), a.name(),
                        new io.agentd.client.api.CheckpointRequest(a.fencingToken(), data)));
                i.checkpoint = data;
                return new LocalApi.Answer(200, Map.of("saved", true));
            } catch (AgentdException e) {
                return LocalApi.Answer.refused(e);
            }
        }, netIo(a));
    }

    private final LocalApi localApi;
    private final String advertised;
    /** Agent secret -> its instance, for the local API (read from its threads). */
    private final Map<String, Instance> bySecret = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.security.SecureRandom random = new java.security.SecureRandom();

    private WorkerDaemon(WorkerConfig config) throws IOException {
        this.config = config;
        Files.createDirectories(config.dataDir);
        String host = WorkerConfig.host(config.address);
        this.localApi = new LocalApi(new java.net.InetSocketAddress(host, WorkerConfig.port(config.address)),
                config.dataDir.resolve("agents"), new LocalApi.Agents() {
                    @Override
                    public LocalApi.AgentIdentity identity(String secret) {
                        return WorkerDaemon.this.identity(secret);
                    }

                    @Override
                    public CompletableFuture<LocalApi.Answer> saveCheckpoint(LocalApi.AgentIdentity who, String data) {
                        return WorkerDaemon.this.saveCheckpoint(who, data);
                    }

                    @Override
                    public CompletableFuture<LocalApi.Answer> reportHealth(LocalApi.AgentIdentity who, String status,
                                                                          String progress) {
                        return WorkerDaemon.this.reportHealth(who, status, progress);
                    }
                });
        this.advertised = WorkerConfig.join(host, localApi.port());
        this.watchdog = WatchdogScript.install(config.dataDir);
        this.spares = new WatchdogSpares(watchdog, config.dataDir, config.spareWatchdogs);
        this.client = AgentdClient.builder().endpoints(config.servers).requestTimeout(Duration.ofSeconds(3)).build();
        this.watchClient = AgentdClient.builder().endpoints(config.servers).requestTimeout(Duration.ofSeconds(40)).build();
        // Bounded, but not tight: a slow renewal still counts from when it was sent, and fencing
        // does not wait for it (the actions thread checks the lease on its own).
        this.heartbeatClient = AgentdClient.builder().endpoints(config.servers).requestTimeout(Duration.ofSeconds(2))
                .deadline(Duration.ofSeconds(4)).build();
        this.actions = Executors.newSingleThreadScheduledExecutor(r -> daemonThread(r, "worker-actions"));
        this.heartbeats = Executors.newSingleThreadScheduledExecutor(r -> daemonThread(r, "worker-heartbeat"));
        this.netIo = new ExecutorService[NET_IO_THREADS];
        for (int n = 0; n < NET_IO_THREADS; n++) {
            String name = "worker-io-" + n;
            netIo[n] = Executors.newSingleThreadExecutor(r -> daemonThread(r, name));
        }
        this.watcher = Executors.newSingleThreadExecutor(r -> daemonThread(r, "worker-assignments"));
    }

    private static Thread daemonThread(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    public static WorkerDaemon start(WorkerConfig config) throws IOException {
        WorkerDaemon d = new WorkerDaemon(config);
        long period = config.heartbeatInterval.toMillis();
        d.heartbeats.scheduleWithFixedDelay(d::heartbeat, 0, period, TimeUnit.MILLISECONDS);
        d.actions.scheduleWithFixedDelay(d::checkLease, 100, 100, TimeUnit.MILLISECONDS);
        d.watcher.execute(d::watchAssignments);
        return d;
    }

    public String id() {
        return config.workerId;
    }

    // ------------------------------------------------------------- lease

    /** One heartbeat round (heartbeat thread): register if needed, renew, hand the lease on. */
    private void heartbeat() {
        if (!running.get()) {
            return;
        }
        try {
            if (!registered) {
                io.agentd.client.api.WorkerView reg = heartbeatClient.registerWorker(new RegisterWorkerRequest(
                        config.workerId, advertised, config.zone, config.labels, config.slots));
                registeredAt = reg.revision();
                registered = true;
                LOG.info("registered as worker {} with {} slots", config.workerId, config.slots);
                undoDrainAtShutdown();
            }
            long sentAt = System.nanoTime();
            HeartbeatView hb = heartbeatClient.heartbeat(config.workerId);
            if (hb.leaseTtlMs() != ttlMillis) {
                long usable = hb.leaseTtlMs() - config.fenceMargin.toMillis() - config.stopGrace.toMillis();
                if (usable < 2 * config.heartbeatInterval.toMillis()) {
                    LOG.error("the coordinators' lease TTL ({} ms) leaves no time to run agents with a fence margin of "
                            + "{} ms, a stop grace of {} ms and renewals every {} ms: lower those or raise worker-ttl",
                            hb.leaseTtlMs(), config.fenceMargin.toMillis(), config.stopGrace.toMillis(),
                            config.heartbeatInterval.toMillis());
                }
            }
            ttlMillis = hb.leaseTtlMs();
            long until = sentAt + TimeUnit.MILLISECONDS.toNanos(hb.leaseTtlMs() - config.fenceMargin.toMillis());
            actions.execute(() -> extendLease(until));
        } catch (AgentdException e) {
            if ("FAILED_PRECONDITION".equals(e.code()) || "NOT_FOUND".equals(e.code())) {
                LOG.warn("the coordinators no longer hold a lease for this worker ({}): stopping every agent and "
                        + "registering again", e.getMessage());
                registered = false;
                actions.execute(() -> {
                    leaseUntilNanos = System.nanoTime();
                    known = null; // handed on: what this worker knew it held is void now
                    resyncNeeded = true;
                    fenceAll("lease lost");
                });
            } else {
                LOG.debug("heartbeat failed: {}", e.getMessage());
            }
        } catch (RuntimeException e) {
            LOG.warn("heartbeat round failed", e);
        }
    }

    /** A renewal succeeded (actions thread): the new deadline goes to every watchdog. */
    private void extendLease(long untilNanos) {
        if (untilNanos - leaseUntilNanos <= 0) {
            return; // an older renewal's answer came late
        }
        boolean lapsed = processLease().isNegative();
        leaseUntilNanos = untilNanos;
        if (lapsed && known != null) {
            reconcile(List.copyOf(known.values()), true); // what fencing stopped (or never started) may run again now
        }
        for (Instance i : instances.values()) {
            if (i.process != null) {
                i.process.extendLease(processLease());
            }
        }
    }

    /**
     * Self-fencing on the worker's own clock (actions thread, every 100 ms), at the deadline the
     * watchdogs have too: whichever acts first, the agents stop then.
     */
    private void checkLease() {
        if (running.get() && processLease().isNegative()
                && instances.values().stream().anyMatch(i -> i.process != null)) {
            LOG.warn("no lease renewal for {} ms: fencing, stopping every agent", ttlMillis);
            fenceAll("lease ran out");
        }
    }

    private Duration leaseLeft() {
        return Duration.ofNanos(leaseUntilNanos - System.nanoTime());
    }

    /** What a watchdog is told: the lease left, less the time its kill may take. */
    private Duration processLease() {
        if (config.unsafeNoFencing) {
            return Duration.ofDays(365); // the broken build the safety tests must catch
        }
        return leaseLeft().minus(config.stopGrace);
    }

    private void fenceAll(String why) {
        for (Instance i : instances.values()) {
            if (i.process != null) {
                i.stopRequested = true;
                i.fenced = true;
                i.process.stop(config.stopGrace);
            }
        }
        instances.values().removeIf(i -> i.process == null);
        LOG.warn("fenced: {}", why);
    }

    // ------------------------------------------------------- assignments

    /** A full list of this worker's agents at least this often, as a backstop for the changes. */
    static final Duration FULL_RESYNC = Duration.ofSeconds(60);

    /**
     * Blocking queries on this worker's agents (never tight polling). After a full list, each
     * query asks only for the agents changed since the last answer, so an answer costs what
     * changed rather than everything this worker runs. A full list again after a new
     * registration, when a change could not be merged, and every {@link #FULL_RESYNC}.
     */
    private void watchAssignments() {
        long revision = 0;
        long lastFull = 0;
        AgentFilter mine = new AgentFilter(null, config.workerId, Map.of());
        while (running.get()) {
            try {
                long since = revision;
                boolean full = resyncNeeded || System.nanoTime() - lastFull > FULL_RESYNC.toNanos();
                if (full) {
                    resyncNeeded = false;
                }
                var request = full ? Api.listAgents(null, mine) : Api.listAgentsChangedAfter(null, mine, since);
                // Ask the leader, where the renewals go: it answers as soon as it has applied a
                // change, while a follower learns of the commit a round later.
                watchClient.preferEndpoint(heartbeatClient.preferredEndpoint());
                ApiReply<List<AgentView>> reply = watchClient.send(
                        request.withRead(ReadOptions.blocking(revision, Duration.ofSeconds(30))));
                if (reply.revision() < registeredAt || reply.revision() < since) {
                    // Not registered yet, or an answer from before the registration (or from before
                    // the last one): ask for everything again (from the same index, so the next
                    // answer comes at once), shortly.
                    resyncNeeded = true;
                    sleep(200);
                    continue;
                }
                if (full) {
                    lastFull = System.nanoTime();
                }
                revision = reply.revision();
                List<AgentView> agents = reply.value();
                long answeredAt = reply.revision();
                actions.execute(() -> onAssignments(full, since, answeredAt, agents));
            } catch (RuntimeException e) {
                if (!running.get()) {
                    return;
                }
                resyncNeeded = true;
                LOG.debug("watching assignments: {}", e.getMessage());
                sleep(500);
            }
        }
    }

    /**
     * One answer of the watcher (actions thread): a full list replaces what is known, changes
     * since {@code since} are merged in when they follow on from it; either is then reconciled.
     * Anything older than the current registration is void, never acted on.
     */
    private void onAssignments(boolean full, long since, long answeredAt, List<AgentView> agents) {
        if (answeredAt < registeredAt) {
            LOG.debug("ignoring an assignment answer at revision {}, older than the registration at {}",
                    answeredAt, registeredAt);
            resyncNeeded = true;
            return;
        }
        if (full) {
            known = new TreeMap<>();
            for (AgentView a : agents) {
                known.put(key(a), a);
            }
            knownRevision = answeredAt;
            knownRegistration = registeredAt;
            reconcile(List.copyOf(known.values()), true);
            return;
        }
        if (known == null || knownRegistration != registeredAt || since != knownRevision) {
            // Not a continuation of what is known (a lost lease, a new registration, an answer
            // skipped): this could miss a change, so it is not acted on; a full list follows.
            LOG.debug("ignoring changes after revision {}: known is at {}", since, knownRevision);
            resyncNeeded = true;
            return;
        }
        knownRevision = answeredAt;
        if (agents.isEmpty()) {
            return;
        }
        for (AgentView a : agents) {
            known.put(key(a), a);
        }
        reconcile(agents, false);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The network thread of this agent's calls. */
    private ExecutorService netIo(AgentView a) {
        return netIo[Math.floorMod(key(a).hashCode(), netIo.length)];
    }

    private static String key(AgentView a) {
        return a.namespace() + "/" + a.name();
    }

    /**
     * Brings the processes in line with the assignments (actions thread). With {@code complete}
     * the list is everything assigned here, and any other instance is stale and stopped;
     * otherwise it holds only some agents (changes) and the others are left alone.
     */
    private void reconcile(java.util.Collection<AgentView> assigned, boolean complete) {
        if (!running.get()) {
            return;
        }
        Set<String> seen = new HashSet<>();
        for (AgentView a : assigned) {
            String k = key(a);
            seen.add(k);
            Instance i = instances.get(k);
            boolean run = "starting".equals(a.state()) || "running".equals(a.state());
            boolean stop = "migrating".equals(a.state()) || "stopping".equals(a.state());
            if (i != null && !a.fencingToken().equals(i.assignment.fencingToken())) {
                // A new assignment replaces an old one of ours: the old instance is stale.
                stopStale(k, i);
                i = null;
            }
            if (run && i == null && !a.fencingToken().equals(finished.get(k))) {
                startNew(a);
            } else if (stop) {
                if (i == null) {
                    report(a, "stopped", null); // nothing runs here (e.g. after a restart of this worker)
                } else if (!i.stopRequested) {
                    i.assignment = a;
                    i.stopRequested = true;
                    if (i.process != null) {
                        i.process.stop(config.stopGrace);
                    } else {
                        instances.remove(k);
                        report(a, "stopped", null);
                    }
                }
            } else if (i != null) {
                i.assignment = a;
            }
        }
        if (!complete) {
            return;
        }
        for (Map.Entry<String, Instance> e : new TreeMap<>(instances).entrySet()) {
            if (!seen.contains(e.getKey())) {
                stopStale(e.getKey(), e.getValue());
            }
        }
    }

    private void stopStale(String k, Instance i) {
        LOG.info("{} is no longer assigned here with token {}: stopping it", k, i.assignment.fencingToken());
        instances.remove(k);
        finished.put(k, i.assignment.fencingToken());
        if (i.process != null) {
            i.stopRequested = true;
            i.process.stop(config.stopGrace);
        }
    }

    private void startNew(AgentView a) {
        Instance i = new Instance();
        i.assignment = a;
        instances.put(key(a), i);
        if (a.checkpointRevision() == null) {
            launch(i);
            return;
        }
        // The handed-over checkpoint comes first; fetched off this thread, then started here.
        netIo(a).execute(() -> {
            String checkpoint = checkpointOf(a);
            actions.execute(() -> {
                i.checkpoint = checkpoint;
                if (running.get() && instances.get(key(a)) == i && !i.stopRequested && i.process == null) {
                    launch(i);
                }
            });
        });
    }

    private void launch(Instance i) {
        AgentView a = i.assignment;
        Duration lease = processLease();
        if (config.unsafeNoFencing && !registered) {
            lease = Duration.ZERO; // even the broken build needs to have registered once
        }
        if (lease.toMillis() < 200) {
            if (!i.restartPending) {
                LOG.info("not starting {} yet: no valid lease", key(a));
            }
            i.restartPending = true;
            actions.schedule(() -> relaunch(i), config.heartbeatInterval.toMillis(), TimeUnit.MILLISECONDS);
            return;
        }
        Map<String, String> env = new TreeMap<>(a.spec().env());
        env.putIfAbsent("PATH", System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
        env.put("AGENTD_AGENT_ID", Long.toString(a.id()));
        env.put("AGENTD_AGENT_NAME", a.name());
        env.put("AGENTD_NAMESPACE", a.namespace());
        env.put("AGENTD_FENCING_TOKEN", Long.toString(a.fencingToken()));
        env.put("AGENTD_WORKER_ID", config.workerId);
        env.put("AGENTD_LOCAL_API", "http://" + advertised);
        String checkpoint = i.checkpoint;
        if (checkpoint != null) {
            env.put("AGENTD_CHECKPOINT", checkpoint);
        }
        if (i.secret != null) {
            bySecret.remove(i.secret);
        }
        byte[] raw = new byte[24];
        random.nextBytes(raw);
        i.secret = java.util.HexFormat.of().formatHex(raw);
        bySecret.put(i.secret, i);
        env.put("AGENTD_AGENT_SECRET", i.secret);
        try {
            AgentLaunch launch = new AgentLaunch(key(a), a.spec().command(), a.spec().args(), env,
                    a.spec().workingDir() == null ? null : Path.of(a.spec().workingDir()),
                    config.dataDir.resolve("agents").resolve(a.namespace()).resolve(a.name()),
                    config.logMaxBytes, config.logFiles, lease, config.stopGrace, watchdog);
            AgentProcess p = AgentProcess.start(launch, spares); // its pid comes later: no wait per agent
            i.process = p;
            i.restartPending = false;
            p.pidFuture().thenAccept(pid -> LOG.info("started {} (token {}, pid {})", key(a), a.fencingToken(), pid));
            p.exitFuture().whenComplete((code, err) -> actions.execute(() -> exited(i, p, code)));
            // Reported running once it has stayed up briefly, so a command that fails at once
            // (not found, bad arguments) shows as a failed start rather than a run.
            actions.schedule(() -> {
                if (i.process == p && p.alive() && !i.stopRequested) {
                    report(i, "running", i.lastExit);
                }
            }, RUNNING_AFTER.toMillis(), TimeUnit.MILLISECONDS);
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not start {}: {}", key(a), e.toString());
            i.process = null;
            onExit(i, 127);
        }
    }

    private String checkpointOf(AgentView a) {
        if (a.checkpointRevision() == null) {
            return null;
        }
        try {
            return client.send(Api.getCheckpoint(a.namespace(), a.name())).value().data();
        } catch (RuntimeException e) {
            LOG.warn("could not fetch the checkpoint of {}: {}", key(a), e.getMessage());
            return null;
        }
    }

    private void relaunch(Instance i) {
        if (!running.get() || instances.get(key(i.assignment)) != i || i.stopRequested) {
            return;
        }
        launch(i);
    }

    private void exited(Instance i, AgentProcess p, Integer code) {
        if (i.process != p) {
            return;
        }
        i.process = null;
        if (i.secret != null) {
            bySecret.remove(i.secret);
        }
        int exit = code == null ? -1 : code;
        String k = key(i.assignment);
        if (!i.fenced && !i.stopRequested && processLease().isNegative()) {
            // Its watchdog killed it at the lease deadline, before this thread looked: a fence, not a crash.
            LOG.warn("{} was stopped by its watchdog: no lease renewal for {} ms", k, ttlMillis);
            i.fenced = true;
        }
        if (i.fenced) {
            // Not "finished": if the coordinators never moved it, it starts again under a new lease.
            instances.remove(k, i);
            return;
        }
        if (i.stopRequested) {
            if (instances.get(k) == i) {
                instances.remove(k);
                report(i, "stopped", exit);
            }
            return;
        }
        LOG.info("{} exited with code {}", k, exit);
        onExit(i, exit);
    }

    /** Supervision: restart by policy with backoff, within the intensity limit; else report. */
    private void onExit(Instance i, int exit) {
        String policy = i.assignment.spec().restart();
        boolean restart = "always".equals(policy) || ("on-failure".equals(policy) && exit != 0);
        String k = key(i.assignment);
        i.lastExit = exit;
        if (!restart) {
            instances.remove(k);
            report(i, exit == 0 ? "stopped" : "failed", exit);
            return;
        }
        long now = System.nanoTime();
        while (!i.restartTimes.isEmpty() && now - i.restartTimes.peekFirst() > config.restartWindow.toNanos()) {
            i.restartTimes.pollFirst();
        }
        if (i.restartTimes.size() >= config.maxRestarts) {
            LOG.warn("{} restarted {} times within {}: giving up (last exit {})", k, i.restartTimes.size(),
                    config.restartWindow, exit);
            instances.remove(k);
            report(i, "failed", exit);
            return;
        }
        i.restartTimes.addLast(now);
        i.restarts++;
        long backoff = Math.min(10_000, 200L << Math.min(6, i.restartTimes.size() - 1));
        i.restartPending = true;
        actions.schedule(() -> relaunch(i), backoff, TimeUnit.MILLISECONDS);
    }

    private void report(Instance i, String state, Integer exit) {
        report(i.assignment, state, exit, i.restarts);
    }

    private void report(AgentView a, String state, Integer exit) {
        report(a, state, exit, 0);
    }

    /** Sends a report in order with the others, off the actions thread; a lost one is logged. */
    private void report(AgentView a, String state, Integer exit, int restarts) {
        if (!"running".equals(state)) {
            finished.put(key(a), a.fencingToken());
        }
        StatusReport r = new StatusReport(a.fencingToken(), state, exit, null, restarts);
        netIo(a).execute(() -> {
            try {
                client.send(Api.reportStatus(a.namespace(), a.name(), r));
            } catch (AgentdException e) {
                LOG.info("report {} of {} refused: {}", state, key(a), e.getMessage());
                if ("FAILED_PRECONDITION".equals(e.code())) {
                    // The assignment has moved on: an instance still running under this token must stop.
                    actions.execute(() -> {
                        Instance i = instances.get(key(a));
                        if (i != null && i.assignment.fencingToken().equals(a.fencingToken())) {
                            stopStale(key(a), i);
                        }
                    });
                }
            } catch (RuntimeException e) {
                LOG.warn("report {} of {} failed: {}", state, key(a), e.toString());
            }
        });
    }

    // ---------------------------------------------------------- shutdown

    /** In the data dir: this worker drained itself when it last shut down, and undoes that on start. */
    static final String DRAINED_AT_SHUTDOWN = "drained-at-shutdown";

    private void undoDrainAtShutdown() {
        Path marker = config.dataDir.resolve(DRAINED_AT_SHUTDOWN);
        if (!Files.exists(marker)) {
            return;
        }
        try {
            client.send(Api.undrainWorker(config.workerId));
            Files.deleteIfExists(marker);
            LOG.info("ready again: this worker had drained itself at its last shutdown");
        } catch (AgentdException | IOException e) {
            LOG.warn("could not undo the drain of the last shutdown (will retry): {}", e.getMessage());
            registered = false; // register and try again on the next round
        }
    }

    /**
     * Shutdown by draining: asks the coordinators to move this worker's agents elsewhere (through
     * migration, so each hands over its checkpoint), waits until none is left here or
     * {@code timeout} passes, then stops whatever still runs and closes. Bounded by the timeout
     * plus {@link #close()}'s own bound.
     */
    public void drainThenClose(Duration timeout) {
        if (!running.get()) {
            return;
        }
        long end = System.nanoTime() + timeout.toNanos();
        try {
            Files.writeString(config.dataDir.resolve(DRAINED_AT_SHUTDOWN), config.workerId + "\n");
            client.send(Api.drainWorker(config.workerId, new io.agentd.client.api.DrainRequest(config.drainParallel)));
            LOG.info("draining before exit: agents move to other workers for at most {} ms", timeout.toMillis());
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not drain at shutdown ({}): stopping the agents here", e.getMessage());
            close();
            return;
        }
        while (System.nanoTime() < end && running.get()) {
            try {
                int assigned = client.send(Api.getWorker(config.workerId)).value().agents();
                boolean idle = actions.submit(() -> instances.values().stream().noneMatch(i -> i.process != null))
                        .get(5, TimeUnit.SECONDS);
                if (assigned == 0 && idle) {
                    LOG.info("drained: no agent is left here");
                    break;
                }
            } catch (Exception e) {
                LOG.debug("waiting for the drain: {}", e.toString());
            }
            sleep(200);
        }
        close();
    }

    /** Stops every agent (SIGTERM, then SIGKILL after the grace) and waits, bounded. */
    @Override
    public void close() {
        if (!running.compareAndSet(true, false)) {
            return;
        }
        try {
            actions.submit(() -> fenceAll("worker shutting down")).get(5, TimeUnit.SECONDS);
            long end = System.nanoTime() + config.stopGrace.plusSeconds(3).toNanos();
            while (System.nanoTime() < end && actions.submit(
                    () -> instances.values().stream().anyMatch(i -> i.process != null && i.process.alive())).get()) {
                sleep(50);
            }
        } catch (Exception e) {
            LOG.warn("stopping agents at shutdown", e);
        }
        actions.shutdownNow();
        heartbeats.shutdownNow();
        watcher.shutdownNow();
        spares.close();
        for (ExecutorService io : netIo) {
            io.shutdown(); // reports already queued still go out, briefly
        }
        long ioEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        try {
            for (ExecutorService io : netIo) {
                io.awaitTermination(Math.max(0, ioEnd - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (ExecutorService io : netIo) {
            io.shutdownNow();
        }
        localApi.close();
    }

    /** The address the worker advertises (its local API). */
    public String address() {
        return advertised;
    }
}
