package io.agentd.worker;

import io.agentd.client.AgentdClient;
import io.agentd.client.AgentdException;
import io.agentd.client.api.HeartbeatView;
import io.agentd.client.api.RegisterWorkerRequest;
import io.agentd.client.api.WorkerView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * The worker's lease (docs/design-notes.md, "Workers"): registration, renewals, and self-fencing.
 *
 * <p>The lease runs from when the renewal that succeeded was <em>sent</em>, on the monotonic
 * clock, for the TTL the coordinators announce less the fence margin. A process may run until
 * that deadline less its kill grace ({@link #left}); its watchdog gets that deadline after every
 * renewal, and the actions thread also checks it every 100 ms ({@link #check}): whichever acts
 * first, the agents stop then.
 *
 * <p>The timings follow the TTL ({@link LeaseTimings}), which a worker learns only from a
 * renewal's answer. So it registers with no capacity, renews, and offers its slots (registers
 * again) only once the timings are known to fit that TTL: nothing is ever placed on a worker that
 * could not run it. Timings that cannot fit end the worker ({@link #cannotRun}); so does a later
 * TTL they cannot fit, after its agents are fenced.
 *
 * <p>Threads: renewals run on a thread of their own ({@code worker-heartbeat}), bounded by the
 * client's deadline, and hand each new deadline to the actions thread, which never waits on the
 * network; {@link #left}, {@link #timings}, {@link #revision} and {@link #changing} may be read on any thread.
 */
final class LeaseKeeper implements Supervisor.Lease, AssignmentWatcher.Registration, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeaseKeeper.class);

    /** What holds processes under this lease (the supervisor); called on the actions thread. */
    interface Holder {
        /** The largest kill grace of the processes that run now, or null when none runs. */
        Duration longestKillGrace();

        /** A renewal moved the deadline; {@code afterLapse}: the lease had run out before it. */
        void extended(boolean afterLapse);

        /** Stop every process at once: {@code why} the lease is gone. */
        void fence(String why);

        /** The coordinators hold no lease for this worker any more: its agents may be handed on. */
        void lost();
    }

    /** Slots offered until the timings are known to fit the coordinators' TTL. */
    static final int NO_CAPACITY = 0;

    private final WorkerConfig config;
    private final AgentdClient client;
    private final String advertised;
    private final ScheduledExecutorService actions;
    private final ScheduledExecutorService heartbeats;
    private final LongSupplier clock;
    private final BooleanSupplier afterRegistration;
    private Holder holder;
    /** The shares of provider limits that renewals report and renew; null: none kept. */
    private volatile ProviderShares providers;

    private volatile boolean running = true;
    /** When the lease runs out (monotonic nanos), the fence margin already taken off. Actions thread writes. */
    private volatile long leaseUntil;
    private volatile LeaseTimings timings;
    private volatile boolean registered; // heartbeat thread writes
    /** The current registration offers the configured slots (the timings fit). Heartbeat thread. */
    private boolean capacityOffered;
    private final CompletableFuture<String> cannotRun = new CompletableFuture<>();
    /**
     * The revision of this worker's current registration. An assignment answer older than it
     * predates the registration (and maybe the expiry before it): it is void, never acted on.
     */
    private volatile long registeredAt = Long.MAX_VALUE;
    /** A registration call is under way (set before it is sent, cleared once its revision is known). */
    private volatile boolean registering;

    /**
     * @param afterRegistration runs on the heartbeat thread after each registration; false: register again next round
     */
    LeaseKeeper(WorkerConfig config, AgentdClient client, String advertised, ScheduledExecutorService actions,
                LongSupplier clock, BooleanSupplier afterRegistration) {
        this.config = config;
        this.client = client;
        this.advertised = advertised;
        this.actions = actions;
        this.clock = clock;
        this.afterRegistration = afterRegistration;
        this.leaseUntil = clock.getAsLong(); // no lease yet
        this.timings = LeaseTimings.provisional(config);
        this.heartbeats = Executors.newSingleThreadScheduledExecutor(r -> WorkerDaemon.daemonThread(r, "worker-heartbeat"));
    }

    /** Renewals from now on report and renew these shares of provider limits. */
    void providers(ProviderShares shares) {
        this.providers = shares;
    }

    /** Starts renewing and checking; {@code holder} is told what happens to the lease. */
    void start(Holder holder) {
        this.holder = holder;
        heartbeats.execute(this::round);
        actions.scheduleWithFixedDelay(this::check, 100, 100, TimeUnit.MILLISECONDS);
    }

    @Override
    public long revision() {
        return registeredAt;
    }

    @Override
    public boolean changing() {
        return registering;
    }

    /**
     * Completes with the reason when the worker cannot run agents: the timings set cannot fit the
     * coordinators' TTL. It has stopped renewing by then, and fenced any agent it ran.
     */
    CompletableFuture<String> cannotRun() {
        return cannotRun;
    }

    /** The timings in force: provisional until the first renewal's answer. Any thread. */
    @Override
    public LeaseTimings timings() {
        return timings;
    }

    /**
     * How long a process that takes {@code killGrace} to be killed may still run: the lease left
     * less that grace; negative when it must stop now. Any thread.
     */
    @Override
    public Duration left(Duration killGrace) {
        if (config.unsafeNoFencing) {
            // The broken build the safety tests must catch; even it needs to have registered once.
            return registered ? Duration.ofDays(365) : Duration.ZERO;
        }
        return Duration.ofNanos(leaseUntil - clock.getAsLong()).minus(killGrace);
    }

    private static final Duration REFUSAL_LOG_SPACING = Duration.ofSeconds(10);
    private long lastRefusalLog;

    /** One heartbeat round (heartbeat thread): register if needed, renew, hand the lease on; then the next. */
    private void round() {
        if (!running) {
            return;
        }
        try {
            renew();
        } catch (RegistrationRefused e) {
            cannotRun("the coordinators refuse this worker's settings: " + e.getMessage());
            return;
        } catch (AgentdException e) {
            if ("FAILED_PRECONDITION".equals(e.code()) || "NOT_FOUND".equals(e.code())) {
                LOG.warn("the coordinators no longer hold a lease for this worker ({}): stopping every agent and "
                        + "registering again", e.getMessage());
                registered = false;
                ProviderShares shares = providers;
                if (shares != null) {
                    shares.lapse();
                }
                actions.execute(() -> {
                    leaseUntil = clock.getAsLong();
                    holder.lost();
                });
            } else if ("UNAUTHENTICATED".equals(e.code()) || "PERMISSION_DENIED".equals(e.code())) {
                // Revoked, expired, or another worker's: renewals fail, and the agents stop as the lease runs out.
                long now = clock.getAsLong();
                if (now - lastRefusalLog > REFUSAL_LOG_SPACING.toNanos() || lastRefusalLog == 0) {
                    lastRefusalLog = now;
                    LOG.error("the coordinators refuse this worker's token ({}: {}); the agents here stop when the"
                            + " lease runs out. Give token-file a valid worker token for {} and restart.", e.code(),
                            e.getMessage(), config.workerId);
                }
            } else {
                LOG.debug("heartbeat failed: {}", e.getMessage());
            }
        } catch (RuntimeException e) {
            LOG.warn("heartbeat round failed", e);
        }
        if (running) {
            try {
                heartbeats.schedule(this::round, timings.renewInterval().toNanos(), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                // closed meanwhile
            }
        }
    }

    private void renew() {
        if (!registered) {
            register(NO_CAPACITY);
            registered = true;
            capacityOffered = false;
        }
        ProviderShares shares = providers;
        java.util.List<io.agentd.client.api.ProviderDemand> report = shares == null ? java.util.List.of() : shares.report();
        long sentAt = clock.getAsLong();
        HeartbeatView hb = client.heartbeat(config.workerId, new io.agentd.client.api.HeartbeatRequest(report));
        Duration ttl = Duration.ofMillis(hb.leaseTtlMs());
        LeaseTimings t = timings;
        boolean newTtl = !ttl.equals(t.ttl());
        if (newTtl) {
            t = LeaseTimings.derive(ttl, config);
            String misfit = t.misfit(config);
            if (misfit != null) {
                cannotRun(misfit);
                return;
            }
            timings = t;
            LOG.info("lease TTL {} ms: renewals every {} ms, fence margin {} ms, stop grace {} ms", ttl.toMillis(),
                    t.renewInterval().toMillis(), t.fenceMargin().toMillis(), t.stopGrace().toMillis());
        }
        long until = sentAt + t.ttl().minus(t.fenceMargin()).toNanos();
        actions.execute(() -> extend(until, newTtl));
        if (shares != null) {
            // The grants hold exactly as long as the lease this renewal gave. Whatever goes wrong
            // with them must not cost the lease: then no grant holds until the next renewal.
            try {
                shares.adopt(report, hb.grants(), until);
            } catch (RuntimeException e) {
                shares.lapse();
                LOG.warn("the provider grants of this renewal could not be taken on; none holds until the next", e);
            }
        }
        if (!capacityOffered) {
            register(config.slots);
            capacityOffered = true;
            LOG.info("registered as worker {} with {} slots", config.workerId, config.slots);
            if (!afterRegistration.getAsBoolean()) {
                capacityOffered = false; // register and try again on the next round
            }
        }
    }

    private void register(int slots) {
        registering = true;
        try {
            WorkerView reg = client.registerWorker(new RegisterWorkerRequest(
                    config.workerId, advertised, config.zone, config.labels, slots));
            registeredAt = reg.revision();
        } catch (AgentdException e) {
            // The coordinators judge ids, zones and labels: what they refuse as invalid will not
            // become valid by asking again.
            if ("INVALID_ARGUMENT".equals(e.code())) {
                throw new RegistrationRefused(e.getMessage());
            }
            throw e;
        } finally {
            registering = false;
        }
    }

    /** The coordinators refused the registration as invalid: the worker cannot run with these settings. */
    private static final class RegistrationRefused extends RuntimeException {
        RegistrationRefused(String message) {
            super(message, null, false, false);
        }
    }

    /** The timings set cannot fit the TTL: no more renewals, every agent stops, and the worker is told to exit. */
    private void cannotRun(String why) {
        LOG.error(why);
        running = false;
        actions.execute(() -> {
            leaseUntil = clock.getAsLong();
            holder.fence("the lease's timings do not fit the coordinators' TTL");
        });
        cannotRun.complete(why);
    }

    /**
     * A renewal succeeded (actions thread): the new deadline goes to every watchdog. Renewals
     * answer in order, so one that ends earlier than the deadline held comes from a shorter TTL
     * or margin ({@code newTtl}); it then replaces the deadline, earlier or not, because the
     * coordinators count that TTL now.
     */
    private void extend(long until, boolean newTtl) {
        if (!newTtl && until - leaseUntil <= 0) {
            return;
        }
        boolean lapsed = left(timings.stopGrace()).isNegative();
        leaseUntil = until;
        holder.extended(lapsed);
    }

    /**
     * Self-fencing on the worker's own clock (actions thread, every 100 ms), at the deadline the
     * watchdogs have too: whichever acts first, the agents stop then.
     */
    private void check() {
        Duration grace = holder.longestKillGrace();
        if (running && grace != null && left(grace).isNegative()) {
            LOG.warn("no lease renewal for {} ms: fencing, stopping every agent", timings.ttl().toMillis());
            holder.fence("lease ran out");
        }
    }

    /** Stops renewing; the lease runs out on its own. */
    @Override
    public void close() {
        running = false;
        heartbeats.shutdownNow();
    }
}
