package io.agentd.daemon.logging;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.agentd.config.LogSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.event.Level;

/**
 * Where agentd's log lines go (stderr) and how they look, and which are written: the process's
 * {@link LogSettings}, set once the configuration is read ({@link #configure}); until then
 * {@code info}, with Ratis and Netty at {@code warn}, in the format {@code auto} picks.
 *
 * <ul>
 *   <li>{@code text}: {@code 2026-12-07T21:09:12.777+0000 [thread] INFO logger - message}</li>
 *   <li>{@code journal}: {@code <6>[thread] logger - message}: a syslog priority prefix that
 *       journald turns into the entry's priority, and no timestamp (journald has its own); a stack
 *       trace's lines each carry the prefix</li>
 *   <li>{@code json}: one object a line: {@code time}, {@code level}, {@code logger},
 *       {@code thread}, {@code message}, and {@code error} with the stack trace when there is one</li>
 * </ul>
 */
public final class LogOutput {
    /** Levels given when the settings name none for a logger: chatty libraries at warn. */
    static final Map<String, String> BUILT_IN = Map.of(
            "org.apache.ratis", "warn",
            "io.netty", "warn",
            "org.apache.ratis.client.impl.OrderedAsync", "off");
    private static final DateTimeFormatter TEXT_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ").withZone(ZoneId.systemDefault());
    private static final JsonFactory JSON = new JsonFactory();

    enum Format { TEXT, JSON, JOURNAL }

    private static volatile State state = state(new LogSettings("info", Map.of(), "auto"), System.getenv());
    private static final Object LOCK = new Object();
    private static PrintStream out = System.err;

    private record State(int threshold, Map<String, Integer> levels, Format format, long generation) {
    }

    private LogOutput() {
    }

    /** Applies the process's settings to every logger, from the next line on. */
    public static void configure(LogSettings settings) {
        state = state(settings, System.getenv());
    }

    /** For tests: the settings, the environment {@code auto} looks at, and where lines go. */
    static void configure(LogSettings settings, Map<String, String> env, PrintStream to) {
        synchronized (LOCK) {
            out = to;
        }
        state = state(settings, env);
    }

    private static State state(LogSettings s, Map<String, String> env) {
        Map<String, Integer> levels = new HashMap<>();
        BUILT_IN.forEach((name, level) -> levels.put(name, rank(level)));
        s.levels().forEach((name, level) -> levels.put(name, rank(level)));
        Format f = switch (s.format()) {
            case "text" -> Format.TEXT;
            case "json" -> Format.JSON;
            case "journal" -> Format.JOURNAL;
            default -> env.containsKey("JOURNAL_STREAM") ? Format.JOURNAL : Format.TEXT;
        };
        long generation = state == null ? 1 : state.generation + 1;
        return new State(rank(s.level()), Map.copyOf(levels), f, generation);
    }

    /** slf4j's level as a rank: trace 0 ... error 4, off 5. */
    static int rank(String level) {
        return switch (level) {
            case "trace" -> 0;
            case "debug" -> 1;
            case "info" -> 2;
            case "warn" -> 3;
            case "error" -> 4;
            default -> 5;
        };
    }

    static int rank(Level level) {
        return switch (level) {
            case TRACE -> 0;
            case DEBUG -> 1;
            case INFO -> 2;
            case WARN -> 3;
            case ERROR -> 4;
        };
    }

    static long generation() {
        return state.generation;
    }

    /** The least rank {@code logger} writes: its longest matching name's level, else the default. */
    static int threshold(String logger) {
        State s = state;
        String name = logger;
        while (true) {
            Integer r = s.levels.get(name);
            if (r != null) {
                return r;
            }
            int dot = name.lastIndexOf('.');
            if (dot < 0) {
                return s.threshold;
            }
            name = name.substring(0, dot);
        }
    }

    static void write(Level level, String logger, String message, Throwable error) {
        State s = state;
        String thread = Thread.currentThread().getName();
        String line = switch (s.format) {
            case TEXT -> text(level, logger, thread, message, error);
            case JOURNAL -> journal(level, logger, thread, message, error);
            case JSON -> json(level, logger, thread, message, error);
        };
        synchronized (LOCK) {
            out.print(line);
            out.flush();
        }
    }

    static String text(Level level, String logger, String thread, String message, Throwable error) {
        StringBuilder b = new StringBuilder(128).append(TEXT_TIME.format(Instant.now())).append(" [").append(thread)
                .append("] ").append(level).append(' ').append(logger).append(" - ").append(message).append('\n');
        if (error != null) {
            b.append(stackTrace(error));
        }
        return b.toString();
    }

    /** syslog priorities: error 3, warning 4, info 6, debug 7 (sd-daemon(3)). */
    static int priority(Level level) {
        return switch (level) {
            case ERROR -> 3;
            case WARN -> 4;
            case INFO -> 6;
            case DEBUG, TRACE -> 7;
        };
    }

    static String journal(Level level, String logger, String thread, String message, Throwable error) {
        String prefix = "<" + priority(level) + ">";
        StringBuilder b = new StringBuilder(128);
        String body = "[" + thread + "] " + logger + " - " + message + (error == null ? "" : "\n" + stackTrace(error));
        for (String line : body.split("\n")) {
            b.append(prefix).append(line).append('\n');
        }
        return b.toString();
    }

    static String json(Level level, String logger, String thread, String message, Throwable error) {
        StringWriter w = new StringWriter(160);
        try (JsonGenerator g = JSON.createGenerator(w)) {
            g.writeStartObject();
            g.writeStringField("time", Instant.now().toString());
            g.writeStringField("level", level.toString());
            g.writeStringField("logger", logger);
            g.writeStringField("thread", thread);
            g.writeStringField("message", message);
            if (error != null) {
                g.writeStringField("error", stackTrace(error));
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("writing JSON to a string", e);
        }
        return w.append('\n').toString();
    }

    private static String stackTrace(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString();
    }
}
