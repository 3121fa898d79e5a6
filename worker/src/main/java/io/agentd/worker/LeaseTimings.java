package io.agentd.worker;

import java.time.Duration;

/**
 * The timings of a worker's lease: the TTL the coordinators announce, how often it is renewed,
 * how long before its end the agents must be gone (fence margin), and how long an agent gets
 * between SIGTERM and SIGKILL (stop grace).
 *
 * @param ttl zero until the first renewal has told it
 */
record LeaseTimings(Duration ttl, Duration renewInterval, Duration fenceMargin, Duration stopGrace) {

    static LeaseTimings of(WorkerConfig config) {
        return new LeaseTimings(Duration.ZERO, config.heartbeatInterval, config.fenceMargin, config.stopGrace);
    }

    LeaseTimings withTtl(Duration ttl) {
        return new LeaseTimings(ttl, renewInterval, fenceMargin, stopGrace);
    }

    /** Why these timings leave no time to run agents, or null when they do. */
    String misfit() {
        long usable = ttl.minus(fenceMargin).minus(stopGrace).toMillis();
        if (usable >= 2 * renewInterval.toMillis()) {
            return null;
        }
        return "the coordinators' lease TTL (" + ttl.toMillis() + " ms) leaves no time to run agents with a fence margin of "
                + fenceMargin.toMillis() + " ms, a stop grace of " + stopGrace.toMillis() + " ms and renewals every "
                + renewInterval.toMillis() + " ms: lower those or raise worker-ttl";
    }
}
