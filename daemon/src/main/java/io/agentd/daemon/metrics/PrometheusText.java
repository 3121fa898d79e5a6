package io.agentd.daemon.metrics;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Snapshot;
import com.codahale.metrics.Timer;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Renders a Dropwizard registry in the Prometheus text format (version 0.0.4).
 * Dropwizard names carry labels as {@code base|key=value|key=value}; timers become
 * summaries in seconds.
 */
public final class PrometheusText {
    private PrometheusText() {
    }

    /** A metric name with labels, in the form this renderer understands. */
    public static String name(String base, String... labelPairs) {
        StringBuilder sb = new StringBuilder(base);
        for (int i = 0; i + 1 < labelPairs.length; i += 2) {
            sb.append('|').append(labelPairs[i]).append('=').append(labelPairs[i + 1]);
        }
        return sb.toString();
    }

    public static String render(MetricRegistry registry) {
        StringBuilder out = new StringBuilder(4096);
        Map<String, String> typed = new LinkedHashMap<>();
        for (Map.Entry<String, Gauge> e : new TreeMap<>(registry.getGauges()).entrySet()) {
            Object v = e.getValue().getValue();
            if (v instanceof Number n) {
                sample(out, typed, e.getKey(), "", "", "gauge", n.doubleValue(), null);
            }
        }
        for (Map.Entry<String, Counter> e : new TreeMap<>(registry.getCounters()).entrySet()) {
            sample(out, typed, e.getKey(), "_total", "", "counter", e.getValue().getCount(), null);
        }
        for (Map.Entry<String, Meter> e : new TreeMap<>(registry.getMeters()).entrySet()) {
            sample(out, typed, e.getKey(), "_total", "", "counter", e.getValue().getCount(), null);
        }
        SortedMap<String, Timer> timers = new TreeMap<>(registry.getTimers());
        for (Map.Entry<String, Timer> e : timers.entrySet()) {
            Snapshot s = e.getValue().getSnapshot();
            String key = e.getKey();
            sample(out, typed, key, "_seconds", "", "summary", s.getMedian() / 1e9, "0.5");
            sample(out, typed, key, "_seconds", "", "summary", s.get99thPercentile() / 1e9, "0.99");
            sample(out, typed, key, "_seconds", "_count", "summary", e.getValue().getCount(), null);
        }
        return out.toString();
    }

    private static void sample(StringBuilder out, Map<String, String> typed, String dwName, String baseSuffix,
                               String suffix, String type, double value, String quantile) {
        String[] parts = dwName.split("\\|");
        String base = sanitize("agentd_" + parts[0]) + baseSuffix;
        if (typed.putIfAbsent(base, type) == null) {
            out.append("# TYPE ").append(base).append(' ').append(type).append('\n');
        }
        out.append(base).append(suffix);
        StringBuilder labels = new StringBuilder();
        for (int i = 1; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            if (eq > 0) {
                label(labels, sanitize(parts[i].substring(0, eq)), parts[i].substring(eq + 1));
            }
        }
        if (quantile != null) {
            label(labels, "quantile", quantile);
        }
        if (labels.length() > 0) {
            out.append('{').append(labels).append('}');
        }
        out.append(' ').append(format(value)).append('\n');
    }

    private static void label(StringBuilder sb, String k, String v) {
        if (sb.length() > 0) {
            sb.append(',');
        }
        sb.append(k).append("=\"").append(v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")).append('"');
    }

    private static String format(double v) {
        if (v == Math.rint(v) && !Double.isInfinite(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    static String sanitize(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == ':' ? c : '_');
        }
        return sb.toString();
    }
}
