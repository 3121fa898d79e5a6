package io.agentd.client;

import java.time.Duration;

/** Writes durations the way the API reads them: {@code 250ms}, {@code 3s}, {@code 1m}, {@code 2h}. */
final class ApiDurations {

  private ApiDurations() {}

  /** The shortest exact form; below a millisecond rounds up, so a positive wait stays positive. */
  static String format(Duration duration) {
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
