package io.agentd.jepsen.checker;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Limits for one check: a wall-clock budget and a cancellation signal, polled by the search, which
 * then answers {@link Verdict#UNKNOWN} instead of running on.
 */
public record CheckOptions(Duration timeout, BooleanSupplier cancelled) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(1);

    public CheckOptions {
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(cancelled, "cancelled");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
    }

    public static CheckOptions defaults() {
        return withTimeout(DEFAULT_TIMEOUT);
    }

    public static CheckOptions withTimeout(Duration timeout) {
        return new CheckOptions(timeout, () -> false);
    }

    /** Starts the clock. */
    Budget start() {
        long nanos;
        try {
            nanos = timeout.toNanos();
        } catch (ArithmeticException tooLong) {
            nanos = Long.MAX_VALUE / 4;
        }
        return new Budget(System.nanoTime(), Math.min(nanos, Long.MAX_VALUE / 4), cancelled);
    }

    /** A started budget: shared by all the searches of one check. */
    record Budget(long startNanos, long timeoutNanos, BooleanSupplier cancelled) {
        /** Why the search must stop now, if it must. */
        Optional<GaveUp> exhausted() {
            if (cancelled.getAsBoolean()) {
                return Optional.of(GaveUp.CANCELLED);
            }
            return System.nanoTime() - startNanos >= timeoutNanos ? Optional.of(GaveUp.TIME_BUDGET) : Optional.empty();
        }

        Duration elapsed() {
            return Duration.ofNanos(System.nanoTime() - startNanos);
        }
    }
}
