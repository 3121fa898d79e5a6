package io.agentd.bench;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Formatting shared by the tools. Histograms hold microseconds. */
final class Report {
    private Report() {
    }

    static String ms(double micros) {
        return String.format(Locale.ROOT, "%.2f", micros / 1000.0);
    }

    static String fmt(double v, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    static double pct(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile);
    }

    /** "p50 1.20  p90 ...  max 9.10" in milliseconds. */
    static String latencies(Histogram h) {
        if (h.getTotalCount() == 0) {
            return "(no samples)";
        }
        return "p50 " + ms(pct(h, 50)) + "  p90 " + ms(pct(h, 90)) + "  p99 " + ms(pct(h, 99))
                + "  p99.9 " + ms(pct(h, 99.9)) + "  max " + ms(h.getMaxValue());
    }

    /** " p50_ms=.. p90_ms=.. p99_ms=.. p999_ms=.. max_ms=.." for RESULT lines. */
    static String latencyFields(Histogram h, String prefix) {
        return " " + prefix + "p50_ms=" + ms(pct(h, 50)) + " " + prefix + "p90_ms=" + ms(pct(h, 90))
                + " " + prefix + "p99_ms=" + ms(pct(h, 99)) + " " + prefix + "p999_ms=" + ms(pct(h, 99.9))
                + " " + prefix + "max_ms=" + (h.getTotalCount() == 0 ? "NaN" : ms(h.getMaxValue()));
    }

    /** CPU time (user + system) of a process in nanoseconds from /proc, or -1 when unreadable. */
    static long cpuNanos(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // Fields after the command name, which is in parentheses and may contain spaces.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
            return ticks * 10_000_000L; // USER_HZ is 100 on Linux
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
