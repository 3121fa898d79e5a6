package io.agentd.daemon.config;

import java.util.Locale;

/**
 * Free space a server keeps on its data dir's file system: a size ({@code 256MiB}, {@code 2GiB},
 * {@code 500MB}, a number of bytes) or a share of the file system ({@code 5%}). Zero is no limit.
 */
public record FreeSpace(long bytes, double percent) {
    public FreeSpace {
        if (bytes < 0 || percent < 0 || percent > 100 || (bytes > 0 && percent > 0)) {
            throw new IllegalArgumentException("free space is a size or a percentage, not negative, at most 100%");
        }
    }

    public static FreeSpace ofBytes(long bytes) {
        return new FreeSpace(bytes, 0);
    }

    public boolean off() {
        return bytes == 0 && percent == 0;
    }

    /** The bytes this asks to keep free on a file system of {@code totalBytes}. */
    public long of(long totalBytes) {
        return percent > 0 ? (long) Math.ceil(totalBytes * percent / 100.0) : bytes;
    }

    public static FreeSpace parse(String text) {
        String t = text == null ? "" : text.trim();
        if (t.endsWith("%")) {
            try {
                double p = Double.parseDouble(t.substring(0, t.length() - 1).trim());
                if (!(p >= 0 && p < 100)) {
                    throw new IllegalArgumentException("'" + text + "': a percentage must be 0 to under 100");
                }
                return new FreeSpace(0, p);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' is not a percentage such as 5%");
            }
        }
        return ofBytes(parseSize(t));
    }

    /** Bytes from {@code 512}, {@code 64KiB}, {@code 256MiB}, {@code 2GiB}, {@code 500MB}, {@code 1TB}. */
    static long parseSize(String text) {
        String t = text.trim();
        int i = 0;
        while (i < t.length() && Character.isDigit(t.charAt(i))) {
            i++;
        }
        if (i == 0) {
            throw new IllegalArgumentException("'" + text + "' is not a size such as 256MiB or 5%");
        }
        long n;
        try {
            n = Long.parseLong(t.substring(0, i));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is too large");
        }
        long unit = switch (t.substring(i).trim().toLowerCase(Locale.ROOT)) {
            case "", "b" -> 1L;
            case "kib" -> 1L << 10;
            case "mib" -> 1L << 20;
            case "gib" -> 1L << 30;
            case "tib" -> 1L << 40;
            case "kb" -> 1_000L;
            case "mb" -> 1_000_000L;
            case "gb" -> 1_000_000_000L;
            case "tb" -> 1_000_000_000_000L;
            default -> throw new IllegalArgumentException("'" + text + "': the unit must be B, KiB, MiB, GiB, TiB,"
                    + " KB, MB, GB or TB");
        };
        if (n > Long.MAX_VALUE / unit) {
            throw new IllegalArgumentException("'" + text + "' is too large");
        }
        return n * unit;
    }

    /** A byte count as people read it: {@code 12.3 MiB}. */
    public static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return (v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v)) + " "
                + units[u];
    }

    @Override
    public String toString() {
        if (percent > 0) {
            return (percent == Math.rint(percent) ? Long.toString((long) percent) : Double.toString(percent)) + "%";
        }
        if (bytes > 0 && bytes % (1L << 30) == 0) {
            return (bytes >> 30) + "GiB";
        }
        if (bytes > 0 && bytes % (1L << 20) == 0) {
            return (bytes >> 20) + "MiB";
        }
        return Long.toString(bytes);
    }
}
