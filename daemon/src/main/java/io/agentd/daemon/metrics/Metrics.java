package io.agentd.daemon.metrics;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A server's metrics, served at {@code /metrics} in the Prometheus text format by the Prometheus
 * Java client: the gauges and counters the code registers in a Dropwizard registry (named
 * {@code base|label=value|...}, each with a line of help in {@link MetricHelp}), request
 * latencies as a histogram with fixed buckets (which, unlike quantiles, add up across servers),
 * and the JVM's own (memory, GC, threads, class loading, buffer pools).
 */
public final class Metrics {
    /** Request latency buckets, in seconds: 0.5 ms to 10 s. */
    static final double[] LATENCY_BUCKETS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
            5, 10};

    private final MetricRegistry dropwizard = new MetricRegistry();
    private final PrometheusRegistry prometheus = new PrometheusRegistry();
    private final Histogram requestDuration;
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    public Metrics() {
        requestDuration = Histogram.builder()
                .name("agentd_http_request_duration_seconds")
                .help("Time from reading a request to writing its answer, by route template and method")
                .labelNames("route", "method")
                .classicOnly()
                .classicUpperBounds(LATENCY_BUCKETS)
                .register(prometheus);
        prometheus.register(new Bridge(dropwizard));
        JvmMetrics.builder().register(prometheus);
    }

    /** Adds metrics collected elsewhere (Ratis' own) to what {@link #scrape()} serves. */
    public void register(MultiCollector collector) {
        prometheus.register(collector);
    }

    /** Where the code registers its gauges and counters. */
    public MetricRegistry registry() {
        return dropwizard;
    }

    /** The latency histogram of requests: {@code labelValues(route, method).observe(seconds)}. */
    public Histogram requestDuration() {
        return requestDuration;
    }

    /** Everything, in the Prometheus text format (version 0.0.4). */
    public String scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16384);
        try {
            writer.write(out, prometheus.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The Content-Type of {@link #scrape()}. */
    public static String contentType() {
        return PrometheusTextFormatWriter.CONTENT_TYPE;
    }

    /** The Dropwizard gauges, counters and meters as Prometheus gauges and counters, with help. */
    static final class Bridge implements MultiCollector {
        private final MetricRegistry registry;

        Bridge(MetricRegistry registry) {
            this.registry = registry;
        }

        @Override
        public MetricSnapshots collect() {
            Map<String, GaugeSnapshot.Builder> gauges = new TreeMap<>();
            Map<String, CounterSnapshot.Builder> counters = new TreeMap<>();
            for (Map.Entry<String, Gauge> e : new TreeMap<>(registry.getGauges()).entrySet()) {
                if (e.getValue().getValue() instanceof Number n) {
                    Name name = Name.of(e.getKey());
                    gauges.computeIfAbsent(name.base, b -> GaugeSnapshot.builder().name(b).help(MetricHelp.of(name.key)))
                            .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(n.doubleValue())
                                    .labels(name.labels).build());
                }
            }
            Map<String, Long> counts = new LinkedHashMap<>();
            registry.getCounters().forEach((k, c) -> counts.put(k, c.getCount()));
            registry.getMeters().forEach((k, m) -> counts.put(k, m.getCount()));
            for (Map.Entry<String, Long> e : new TreeMap<>(counts).entrySet()) {
                Name name = Name.of(e.getKey());
                counters.computeIfAbsent(name.base, b -> CounterSnapshot.builder().name(b).help(MetricHelp.of(name.key)))
                        .dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().value(e.getValue())
                                .labels(name.labels).build());
            }
            List<MetricSnapshot> all = new ArrayList<>();
            gauges.values().forEach(g -> all.add(g.build()));
            counters.values().forEach(c -> all.add(c.build()));
            return new MetricSnapshots(all);
        }
    }

    /** A Dropwizard name, {@code base|label=value|...}, as a Prometheus name and labels. */
    private record Name(String key, String base, Labels labels) {
        static Name of(String dropwizardName) {
            String[] parts = dropwizardName.split("\\|");
            List<String> names = new ArrayList<>();
            List<String> values = new ArrayList<>();
            for (int i = 1; i < parts.length; i++) {
                int eq = parts[i].indexOf('=');
                if (eq > 0) {
                    names.add(parts[i].substring(0, eq));
                    values.add(parts[i].substring(eq + 1));
                }
            }
            return new Name(parts[0], "agentd_" + parts[0], names.isEmpty() ? Labels.EMPTY : Labels.of(names, values));
        }
    }
}
