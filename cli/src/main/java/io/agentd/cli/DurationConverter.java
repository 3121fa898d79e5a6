package io.agentd.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Parses durations the way the API writes them: a whole number and one unit of {@code ms},
 * {@code s}, {@code m} or {@code h}, e.g. {@code 500ms}, {@code 3s}, {@code 1m}, {@code 2h}.
 * Picocli reports a failure as a usage error that names the option.
 */
public final class DurationConverter implements ITypeConverter<Duration> {

  private static final Pattern DURATION = Pattern.compile("(\\d{1,18})(ms|s|m|h)");

  @Override
  public Duration convert(String value) {
    return parse(value);
  }

  /** @throws TypeConversionException when {@code text} is not such a duration */
  public static Duration parse(String text) {
    Matcher matcher = DURATION.matcher(text.strip());
    if (!matcher.matches()) {
      throw new TypeConversionException("'" + text + "' is not a duration (use e.g. 500ms, 3s, 1m, 2h)");
    }
    long amount = Long.parseLong(matcher.group(1));
    try {
      return switch (matcher.group(2)) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        default -> Duration.ofHours(amount);
      };
    } catch (ArithmeticException e) {
      throw new TypeConversionException("'" + text + "' is too long a duration");
    }
  }
}
