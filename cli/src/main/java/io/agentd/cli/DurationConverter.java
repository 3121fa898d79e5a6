package io.agentd.cli;

import io.agentd.client.ApiDurations;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Parses durations with {@link ApiDurations}: {@code 500ms}, {@code 3s}, {@code 1m}, {@code 2h}.
 * Picocli reports a failure as a usage error that names the option.
 */
public final class DurationConverter implements ITypeConverter<Duration> {

  @Override
  public Duration convert(String value) {
    return parse(value);
  }

  /** @throws TypeConversionException when {@code text} is not such a duration */
  public static Duration parse(String text) {
    try {
      return ApiDurations.parse(text);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}
