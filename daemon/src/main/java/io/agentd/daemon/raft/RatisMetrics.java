package io.agentd.daemon.raft;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.ratis.metrics.MetricRegistries;
import org.apache.ratis.metrics.RatisMetricRegistry;
import org.apache.ratis.metrics.impl.RatisMetricRegistryImpl;
import org.apache.ratis.thirdparty.com.codahale.metrics.Gauge;
import org.apache.ratis.thirdparty.com.codahale.metrics.MetricRegistry;
import org.apache.ratis.thirdparty.com.codahale.metrics.Snapshot;
import org.apache.ratis.thirdparty.com.codahale.metrics.Timer;

/**
 * Ratis' own metrics (log appends and flushes, elections, the leader's view of its followers,
 * the state machine's apply), as Ratis' registries of this process hold them, for {@code /metrics}:
 * gauges as gauges, counters and meters as counters, and timers as a count (a counter) and their
 * median and 99th percentile in seconds (gauges: Ratis' timers are decaying reservoirs, so those
 * describe this server only and do not add up across servers). Names are {@code ratis_} and
 * Ratis' name with every character Prometheus does not allow as {@code _}; Ratis puts the group
 * and member in the name.
 */
public final class RatisMetrics implements MultiCollector {
    @Override
    public MetricSnapshots collect() {
        Map<String, MetricSnapshot> out = new TreeMap<>();
        for (RatisMetricRegistry r : MetricRegistries.global().getMetricRegistries()) {
            if (!(r instanceof RatisMetricRegistryImpl impl)) {
                continue;
            }
            MetricRegistry dw = impl.getDropWizardMetricRegistry();
            new TreeMap<>(dw.getGauges()).forEach((name, g) -> gauge(out, name, g));
            new TreeMap<>(dw.getCounters()).forEach((name, c) -> counter(out, name, c.getCount()));
            new TreeMap<>(dw.getMeters()).forEach((name, m) -> counter(out, name, m.getCount()));
            new TreeMap<>(dw.getTimers()).forEach((name, t) -> timer(out, name, t));
        }
        return new MetricSnapshots(new ArrayList<>(out.values()));
    }

    /** {@code ratis.leader_election.n1.electionCount} → {@code ratis_leader_election_n1_election_count}. */
    static String prometheusName(String ratisName) {
        String name = ratisName.startsWith("ratis.") || ratisName.startsWith("ratis_") ? ratisName.substring(6) : ratisName;
        StringBuilder b = new StringBuilder("ratis_");
        char prev = '_';
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                if (prev >= 'a' && prev <= 'z') {
                    b.append('_'); // a camelCase boundary
                }
                b.append((char) (c + ('a' - 'A')));
            } else {
                b.append((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ? c : '_');
            }
            prev = c;
        }
        return b.toString().replaceAll("_+", "_");
    }

    private static void gauge(Map<String, MetricSnapshot> out, String name, Gauge<?> g) {
        Object v;
        try {
            v = g.getValue();
        } catch (RuntimeException e) {
            return; // a gauge of a closing server
        }
        double value;
        if (v instanceof Number n) {
            value = n.doubleValue();
        } else if (v instanceof Boolean b) {
            value = b ? 1 : 0;
        } else {
            return;
        }
        String p = gaugeName(prometheusName(name));
        put(out, p, GaugeSnapshot.builder().name(p).help("Ratis gauge " + name)
                .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(value).build()).build());
    }

    /**
     * A gauge may not end as a histogram's or summary's series do ({@code _count}, {@code _sum},
     * {@code _bucket}): Ratis' {@code retryCacheEntryCount} is served as {@code ..._count_current}.
     */
    static String gaugeName(String p) {
        return p.endsWith("_count") || p.endsWith("_sum") || p.endsWith("_bucket") ? p + "_current" : p;
    }

    private static void counter(Map<String, MetricSnapshot> out, String name, long count) {
        String p = prometheusName(name);
        put(out, p, CounterSnapshot.builder().name(p).help("Ratis count " + name)
                .dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().value(count).build()).build());
    }

    private static void timer(Map<String, MetricSnapshot> out, String name, Timer t) {
        String p = prometheusName(name);
        counter(out, name, t.getCount());
        Snapshot s = t.getSnapshot();
        for (Map.Entry<String, Double> q : Map.of("median", s.getMedian(), "p99", s.get99thPercentile()).entrySet()) {
            String n = p + "_" + q.getKey() + "_seconds";
            put(out, n, GaugeSnapshot.builder().name(n).help("Ratis timer " + name + ", " + q.getKey()
                            + " on this server over its recent samples")
                    .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(q.getValue() / 1e9).build())
                    .build());
        }
    }

    /** The first registry's metric of a name wins: two of this process's registries may share one. */
    private static void put(Map<String, MetricSnapshot> out, String name, MetricSnapshot s) {
        out.putIfAbsent(name, s);
    }

    /** For tests: every name {@link #collect()} gives. */
    List<String> names() {
        List<String> names = new ArrayList<>();
        collect().forEach(s -> names.add(s.getMetadata().getPrometheusName()));
        return names;
    }
}
