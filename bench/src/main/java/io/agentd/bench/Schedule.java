package io.agentd.bench;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The open-loop send schedule of {@code n} simulated workers. Worker {@code i} renews at
 * {@code phase[i] + k * period} for k = 0, 1, ...: a fixed phase each, as real workers started
 * at unrelated times. Slot {@code s} is the s-th send in time order; its intended time does not
 * depend on when earlier sends were answered, which is what keeps the latencies honest
 * (measured from the intended time, so a stalled server cannot hide its backlog).
 */
final class Schedule {
    private final int n;
    private final long period;
    private final int[] order;      // workers sorted by phase
    private final long[] sorted;    // their phases, ascending
    private final long[] phases;    // by worker

    /** @param phases phases of a fleet of at least {@code n} workers, each in [0, period) */
    Schedule(long[] phases, int n, long periodNanos) {
        if (n < 1 || n > phases.length) {
            throw new IllegalArgumentException("n must be in 1.." + phases.length + ": " + n);
        }
        this.n = n;
        this.period = periodNanos;
        this.phases = phases;
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> a.equals(b) ? 0
                : phases[a] != phases[b] ? Long.compare(phases[a], phases[b]) : Integer.compare(a, b));
        order = new int[n];
        sorted = new long[n];
        for (int i = 0; i < n; i++) {
            order[i] = idx[i];
            sorted[i] = phases[idx[i]];
        }
    }

    /** Phases spread uniformly at random over one period; the same seed gives the same phases. */
    static long[] randomPhases(int count, long periodNanos, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        long[] p = new long[count];
        for (int i = 0; i < count; i++) {
            p[i] = r.nextLong(periodNanos);
        }
        return p;
    }

    int size() {
        return n;
    }

    int worker(long slot) {
        return order[(int) (slot % n)];
    }

    /** Nanoseconds from the schedule's start to the intended send of {@code slot}. */
    long offset(long slot) {
        return (slot / n) * period + phases[worker(slot)];
    }

    /** How many slots are intended before {@code offsetNanos} (from the start). */
    long slotsBefore(long offsetNanos) {
        if (offsetNanos <= 0) {
            return 0;
        }
        long rounds = offsetNanos / period;
        long rest = offsetNanos % period;
        int i = Arrays.binarySearch(sorted, rest);
        if (i < 0) {
            i = -i - 1;
        } else {
            while (i > 0 && sorted[i - 1] == rest) {
                i--; // the first phase equal to rest is not before it
            }
        }
        return rounds * n + i;
    }
}
