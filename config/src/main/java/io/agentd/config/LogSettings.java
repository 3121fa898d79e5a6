package io.agentd.config;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The log settings every process has ({@code log-level}, {@code log-levels}, {@code log-format}),
 * checked: a level is one of {@link #LEVELS}, a format one of {@link #FORMATS}.
 *
 * @param level  the least level written, for loggers no entry of {@code levels} matches
 * @param levels a level per logger name prefix (a package or a class); the longest match wins
 * @param format how lines are written
 */
public record LogSettings(String level, Map<String, String> levels, String format) {
    /** Levels, least to most severe, and {@code off}. */
    public static final Set<String> LEVELS = Set.of("trace", "debug", "info", "warn", "error", "off");
    /** {@code auto}: {@code journal} when stderr goes to systemd's journal, else {@code text}. */
    public static final Set<String> FORMATS = Set.of("auto", "text", "json", "journal");

    public static final String LEVEL_HELP = "the least level of the log lines written: trace, debug, info, warn,"
            + " error or off";
    public static final String LEVELS_HELP = "levels for some loggers, NAME=LEVEL where NAME is a package or a"
            + " class (the longest that matches wins); Ratis and Netty are at warn unless named here";
    public static final String FORMAT_HELP = "how log lines are written: auto (journal when stderr goes to"
            + " systemd's journal, else text), text, json (one object a line) or journal (syslog priority"
            + " prefixes, no timestamp)";

    /** Checked and normalised (lower case); throws ConfigException naming the key at fault. */
    public static LogSettings of(String level, Map<String, String> levels, String format) {
        String l = level("log-level", level);
        Map<String, String> ls = new TreeMap<>();
        levels.forEach((name, v) -> {
            if (name.isBlank()) {
                throw new ConfigException("log-levels", "log-levels: a logger name is empty");
            }
            ls.put(name.trim(), level("log-levels", v));
        });
        String f = format == null ? "" : format.trim().toLowerCase(Locale.ROOT);
        if (!FORMATS.contains(f)) {
            throw new ConfigException("log-format", "log-format: '" + format + "' is not one of auto, text, json, journal");
        }
        return new LogSettings(l, Map.copyOf(ls), f);
    }

    private static String level(String key, String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        if (!LEVELS.contains(v)) {
            throw new ConfigException(key, key + ": '" + value + "' is not a level (trace, debug, info, warn, error, off)");
        }
        return v;
    }
}
