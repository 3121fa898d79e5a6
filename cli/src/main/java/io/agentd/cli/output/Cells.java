package io.agentd.cli.output;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** How values of the API read in tables and descriptions. */
final class Cells {

  private Cells() {}

  /** {@code k=v,k2=v2}, or {@code -} when empty. */
  static String pairs(Map<String, String> pairs) {
    if (pairs.isEmpty()) {
      return Table.NONE;
    }
    return pairs.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
  }

  /** The command line an agent runs, arguments with spaces quoted. */
  static String commandLine(String command, List<String> args) {
    StringBuilder line = new StringBuilder(command == null ? Table.NONE : command);
    for (String arg : args) {
      line.append(' ').append(arg.isEmpty() || arg.contains(" ") ? "'" + arg + "'" : arg);
    }
    return line.toString();
  }

  /** A quota limit: {@code null} is unlimited. */
  static String limit(Long limit) {
    return limit == null ? "unlimited" : limit.toString();
  }

  /** Time since an ISO-8601 instant, like {@code 42s}, {@code 5m}, {@code 3h}, {@code 2d}. */
  static String age(String isoTime, Instant now) {
    if (isoTime == null) {
      return Table.NONE;
    }
    Duration age;
    try {
      age = Duration.between(Instant.parse(isoTime), now);
    } catch (DateTimeParseException e) {
      return Table.NONE;
    }
    long seconds = Math.max(0, age.toSeconds());
    if (seconds < 120) {
      return seconds + "s";
    }
    if (seconds < 120 * 60) {
      return seconds / 60 + "m";
    }
    if (seconds < 48 * 3600) {
      return seconds / 3600 + "h";
    }
    return seconds / 86_400 + "d";
  }
}
