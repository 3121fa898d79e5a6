package io.agentd.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The timings of a worker's lease: the TTL the coordinators announce in every renewal's answer,
 * how often the lease is renewed, how long before its end the agents must be gone (fence
 * margin), and how long an agent gets between SIGTERM and SIGKILL (stop grace).
 *
 * <p>Those the operator did not set follow the TTL (docs/configuration.md, "Worker timings"):
 * renewals every TTL/10 (at most 1 s), a fence margin of TTL/10 (250 ms to 1 s), a stop grace of
 * TTL/5 (at most 2 s). At a 10 s TTL and above these are 1 s, 1 s and 2 s. The margin never goes
 * below 250 ms because an agent's watchdog kills it up to about 100 ms after its kill grace ends.
 *
 * <p>They fit when, after a renewal, an agent still has time to run: the TTL less the margin and
 * the grace must cover two renewal intervals (so one lost renewal does not stop the agents) and
 * {@link Supervisor#MIN_LEASE_TO_START}. The derived ones fit every TTL from 750 ms up.
 *
 * @param ttl zero until the first renewal has told it
 */
record LeaseTimings(Duration ttl, Duration renewInterval, Duration fenceMargin, Duration stopGrace) {
    static final Duration MAX_RENEW_INTERVAL = Duration.ofSeconds(1);
    static final Duration MIN_FENCE_MARGIN = Duration.ofMillis(250);
    static final Duration MAX_FENCE_MARGIN = Duration.ofSeconds(1);
    static final Duration MAX_STOP_GRACE = Duration.ofSeconds(2);

    /** Before the first renewal (no TTL yet): what is set, else the values for a TTL of 10 s. */
    static LeaseTimings provisional(WorkerConfig config) {
        LeaseTimings t = derive(Duration.ofSeconds(10), config);
        return new LeaseTimings(Duration.ZERO, t.renewInterval, t.fenceMargin, t.stopGrace);
    }

    /** The timings under {@code ttl}: what the operator set, the rest derived from the TTL. */
    static LeaseTimings derive(Duration ttl, WorkerConfig config) {
        Duration tenth = ttl.dividedBy(10);
        return new LeaseTimings(ttl,
                config.heartbeatInterval != null ? config.heartbeatInterval : min(MAX_RENEW_INTERVAL, tenth),
                config.fenceMargin != null ? config.fenceMargin : max(MIN_FENCE_MARGIN, min(MAX_FENCE_MARGIN, tenth)),
                config.stopGrace != null ? config.stopGrace : min(MAX_STOP_GRACE, ttl.dividedBy(5)));
    }

    /** How long an agent may run after a renewal is sent: the TTL less the fence margin and the stop grace. */
    Duration runTime() {
        return ttl.minus(fenceMargin).minus(stopGrace);
    }

    /** What {@link #runTime} must cover. */
    Duration neededRunTime() {
        return renewInterval.multipliedBy(2).plus(Supervisor.MIN_LEASE_TO_START);
    }

    /**
     * Why these timings leave no time to run agents, naming the TTL and the settings of
     * {@code config} that were set; null when they fit.
     */
    String misfit(WorkerConfig config) {
        if (runTime().compareTo(neededRunTime()) >= 0) {
            return null;
        }
        List<String> set = new ArrayList<>();
        if (config.heartbeatInterval != null) {
            set.add("--heartbeat-interval " + config.heartbeatInterval.toMillis() + "ms");
        }
        if (config.fenceMargin != null) {
            set.add("--fence-margin " + config.fenceMargin.toMillis() + "ms");
        }
        if (config.stopGrace != null) {
            set.add("--stop-grace " + config.stopGrace.toMillis() + "ms");
        }
        String what = "the coordinators' worker-ttl of " + ttl.toMillis() + " ms leaves no time to run agents: after"
                + " each renewal an agent may run for the TTL less the fence margin (" + fenceMargin.toMillis()
                + " ms) and the stop grace (" + stopGrace.toMillis() + " ms), " + runTime().toMillis()
                + " ms, which must cover two renewal intervals (" + renewInterval.toMillis() + " ms each) and "
                + Supervisor.MIN_LEASE_TO_START.toMillis() + " ms to start an agent, " + neededRunTime().toMillis()
                + " ms";
        if (set.isEmpty()) {
            return what + "; raise worker-ttl on the servers";
        }
        return what + "; set here: " + String.join(", ", set) + ": lower " + (set.size() == 1 ? "it" : "them")
                + " or leave " + (set.size() == 1 ? "it" : "them") + " unset to follow the TTL, or raise worker-ttl"
                + " on the servers";
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
