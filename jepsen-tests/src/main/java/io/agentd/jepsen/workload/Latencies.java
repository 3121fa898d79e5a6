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

    /**
     * Percentiles (HdrHistogram, 3 significant digits) of the ops that got a definite answer, per
     * op kind: count, p50, p90, p99, max in milliseconds.
     */
    public synchronized java.util.Map<String, java.util.Map<String, Object>> summary() {
        java.util.Map<String, org.HdrHistogram.Histogram> byF = new java.util.TreeMap<>();
        java.util.Map<String, Integer> indeterminate = new java.util.TreeMap<>();
        for (Sample s : samples) {
            if (s.kind().equals("info")) {
                indeterminate.merge(s.f(), 1, Integer::sum);
                continue;
            }
            byF.computeIfAbsent(s.f(), k -> new org.HdrHistogram.Histogram(3_600_000_000L, 3))
                    .recordValue(Math.max(1, Math.round(s.latencyMs() * 1000)));
        }
        java.util.Map<String, java.util.Map<String, Object>> out = new java.util.TreeMap<>();
        byF.forEach((f, h) -> {
            java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("count", h.getTotalCount());
            m.put("indeterminate", indeterminate.getOrDefault(f, 0));
            m.put("p50Ms", h.getValueAtPercentile(50) / 1000.0);
            m.put("p90Ms", h.getValueAtPercentile(90) / 1000.0);
            m.put("p99Ms", h.getValueAtPercentile(99) / 1000.0);
            m.put("maxMs", h.getMaxValue() / 1000.0);
            out.put(f, m);
        });
        return out;
    }
}
