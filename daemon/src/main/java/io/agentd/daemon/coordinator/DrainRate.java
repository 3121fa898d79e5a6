package io.agentd.daemon.coordinator;

import java.util.function.LongSupplier;

/**
 * How fast a backlog drains: an exponentially decaying count of the items done, over a time
 * constant of about a second, read as items per second. Gives {@link #retryAfterSeconds} for a
 * caller told to come back later. Thread-safe.
 */
public final class DrainRate {
    /** The longest Retry-After given: past it, the estimate says more about the past than the future. */
    static final long MAX_RETRY_AFTER_SECONDS = 30;
    private static final double TAU_NANOS = 1e9;

    private final LongSupplier nanoClock;
    private double decayed;
    private long last;

    public DrainRate(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.last = nanoClock.getAsLong();
    }

    /** {@code items} more were done now. */
    public synchronized void done(long items) {
        decay();
        decayed += items;
    }

    /** Items done per second, lately; 0 when none were. */
    public synchronized double perSecond() {
        decay();
        return decayed * 1e9 / TAU_NANOS;
    }

    /**
     * Whole seconds after which a backlog of {@code backlog} items is likely drained at the
     * current rate: at least 1, at most {@link #MAX_RETRY_AFTER_SECONDS}; 1 when nothing drains
     * lately (no estimate: ask again soon).
     */
    public long retryAfterSeconds(long backlog) {
        double rate = perSecond();
        if (rate < 1e-3) {
            return 1;
        }
        return Math.max(1, Math.min(MAX_RETRY_AFTER_SECONDS, (long) Math.ceil(backlog / rate)));
    }

    private void decay() {
        long now = nanoClock.getAsLong();
        long dt = now - last;
        if (dt > 0) {
            decayed *= Math.exp(-dt / TAU_NANOS);
            last = now;
        }
    }
}
