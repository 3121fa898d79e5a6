package io.agentd.jepsen.workload;

import java.util.ArrayList;
import java.util.List;

/** Every op's start and latency, for the latency-over-time plot. Thread-safe. */
public final class Latencies {
    /** One op: when it started (ms since the run began), how long it took, what and how it ended. */
    public record Sample(long startMs, double latencyMs, String f, String kind) {
    }

    private final long origin;
    private final List<Sample> samples = new ArrayList<>();

    public Latencies(long originNanos) {
        this.origin = originNanos;
    }

    public synchronized void record(long t0, long t1, String f, String kind) {
        samples.add(new Sample((t0 - origin) / 1_000_000, (t1 - t0) / 1e6, f, kind));
    }

    public synchronized List<Sample> samples() {
        return List.copyOf(samples);
    }
}
