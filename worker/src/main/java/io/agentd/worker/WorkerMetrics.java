package io.agentd.worker;

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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * A worker's {@code /metrics} on its local API, through the Prometheus Java client: its agents
 * by state, restarts and fencings, the lease it has left, its slots, and the JVM's metrics.
 * The agents' states are counted on the worker's actions thread (the supervisor's own), so a
 * scrape waits for it, at most {@link #COUNT_WAIT}; past that the gauge is left out of that scrape.
 */
final class WorkerMetrics {
    static final Duration COUNT_WAIT = Duration.ofSeconds(2);

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    /**
     * @param supervisor whose agents are counted, on {@code actions}
     * @param leaseLeft  the lease left (negative once lapsed)
     */
    WorkerMetrics(WorkerConfig config, Supervisor supervisor, ScheduledExecutorService actions,
                  Supplier<Duration> leaseLeft) {
        registry.register(new MultiCollector() {
            @Override
            public MetricSnapshots collect() {
                List<MetricSnapshot> all = new ArrayList<>();
                Map<InstanceState, Integer> counts = counts(supervisor, actions);
                if (counts != null) {
                    GaugeSnapshot.Builder agents = GaugeSnapshot.builder().name("agentd_worker_agents")
                            .help("Agents assigned to this worker, by the state of their instance here");
                    counts.forEach((state, n) -> agents.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                            .labels(Labels.of("state", state.name().toLowerCase(Locale.ROOT))).value(n).build()));
                    all.add(agents.build());
                }
                all.add(CounterSnapshot.builder().name("agentd_worker_restarts")
                        .help("Agent processes restarted by this worker's supervision since it started")
                        .dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                                .value(supervisor.restartsTotal.get()).build()).build());
                all.add(CounterSnapshot.builder().name("agentd_worker_fenced_agents")
                        .help("Agent processes this worker stopped by fencing itself (its lease lapsed or was lost)")
                        .dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                                .value(supervisor.fencedTotal.get()).build()).build());
                all.add(gauge("agentd_worker_lease_remaining_seconds",
                        "Time left on this worker's lease; at 0 or below it has fenced its agents",
                        leaseLeft.get().toNanos() / 1e9));
                all.add(gauge("agentd_worker_slots", "Slots this worker offers", config.slots));
                return new MetricSnapshots(all);
            }
        });
        JvmMetrics.builder().register(registry);
    }

    private static GaugeSnapshot gauge(String name, String help, double value) {
        return GaugeSnapshot.builder().name(name).help(help)
                .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(value).build()).build();
    }

    private static Map<InstanceState, Integer> counts(Supervisor supervisor, ScheduledExecutorService actions) {
        try {
            return actions.submit(supervisor::stateCounts).get(COUNT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException | TimeoutException | java.util.concurrent.RejectedExecutionException e) {
            return null;
        }
    }

    /** Everything, in the Prometheus text format. */
    String scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    static String contentType() {
        return PrometheusTextFormatWriter.CONTENT_TYPE;
    }
}
