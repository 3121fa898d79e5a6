package io.agentd.daemon.config;

import java.time.Duration;
import java.util.Locale;

/**
 * A request rate such as {@code 200/s}, {@code 3000/m} or {@code 50000/h}: {@code requests} per
 * {@code period}. {@code off} (or {@code 0}) is no limit.
 */
public record RequestRate(long requests, Duration period) {
    public static final RequestRate OFF = new RequestRate(0, Duration.ofSeconds(1));

    public RequestRate {
        if (requests < 0) {
            throw new IllegalArgumentException("a rate cannot be negative: " + requests);
        }
        if (period == null || period.isZero() || period.isNegative()) {
            throw new IllegalArgumentException("a rate needs a period");
        }
    }

    public boolean off() {
        return requests == 0;
    }

    /** Requests per second, as a decimal. */
    public double perSecond() {
        return requests * 1e9 / period.toNanos();
    }

    public static RequestRate parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("off") || t.equals("0")) {
            return OFF;
        }
        int slash = t.indexOf('/');
        if (slash <= 0 || slash == t.length() - 1) {
            throw new IllegalArgumentException("'" + text + "' is not a rate such as 200/s, 3000/m or 50000/h");
        }
        long n;
        try {
            n = Long.parseLong(t.substring(0, slash).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "': the number of requests is not a whole number");
        }
        if (n < 1 || n > 1_000_000_000L) {
            throw new IllegalArgumentException("'" + text + "': the number of requests must be 1 to 1000000000");
        }
        Duration per = switch (t.substring(slash + 1).trim()) {
            case "s" -> Duration.ofSeconds(1);
            case "m" -> Duration.ofMinutes(1);
            case "h" -> Duration.ofHours(1);
            default -> throw new IllegalArgumentException("'" + text + "': the period must be s, m or h");
        };
        return new RequestRate(n, per);
    }

    @Override
    public String toString() {
        if (off()) {
            return "off";
        }
        String unit = period.equals(Duration.ofSeconds(1)) ? "s" : period.equals(Duration.ofMinutes(1)) ? "m"
                : period.equals(Duration.ofHours(1)) ? "h" : period.toMillis() + "ms";
        return requests + "/" + unit;
    }
}
