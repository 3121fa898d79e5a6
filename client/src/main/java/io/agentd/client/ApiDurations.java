package io.agentd.client;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as the API, agentctl and the daemon's config write them: a whole number and one
 * unit of {@code ms}, {@code s}, {@code m}, {@code h} or {@code d}: {@code 250ms}, {@code 3s},
 * {@code 1m}, {@code 2h}, {@code 30d} (days are read, never written: {@link #format} writes hours).
 * The one parser and printer of that form in the project.
 */
public final class ApiDurations {

  private static final Pattern DURATION = Pattern.compile("(\\d{1,18})(ms|s|m|h|d)");

  private ApiDurations() {}

  /**
   * Parses a duration.
   *
   * @throws IllegalArgumentException naming the text when it is not such a duration
   */
  public static Duration parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("missing duration (use e.g. 500ms, 3s, 1m, 2h)");
    }
    Matcher matcher = DURATION.matcher(text.strip());
    if (!matcher.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a duration (use e.g. 500ms, 3s, 1m, 2h)");
    }
    long amount = Long.parseLong(matcher.group(1));
    try {
      return switch (matcher.group(2)) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        case "h" -> Duration.ofHours(amount);
        default -> Duration.ofDays(amount);
      };
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("'" + text + "' is too long a duration");
    }
  }

  /** The shortest exact form; below a millisecond rounds up, so a positive wait stays positive. */
  public static String format(Duration duration) {
    long millis = duration.toMillis();
    if (millis == 0 && !duration.isZero()) {
      millis = 1;
    }
    if (millis != 0 && millis % 3_600_000 == 0) {
      return millis / 3_600_000 + "h";
    }
    if (millis != 0 && millis % 60_000 == 0) {
      return millis / 60_000 + "m";
    }
    if (millis % 1000 == 0) {
      return millis / 1000 + "s";
    }
    return millis + "ms";
  }
}
