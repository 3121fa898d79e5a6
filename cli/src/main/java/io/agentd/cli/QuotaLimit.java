package io.agentd.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A quota limit given on the command line: a count, or {@code unlimited}.
 *
 * @param value the limit, {@code null} for unlimited
 */
record QuotaLimit(Long value) {

  /** Reads {@code N} (0 or more) or {@code unlimited}. */
  static final class Converter implements ITypeConverter<QuotaLimit> {
    @Override
    public QuotaLimit convert(String text) {
      if (text.equalsIgnoreCase("unlimited")) {
        return new QuotaLimit(null);
      }
      try {
        long limit = Long.parseLong(text);
        if (limit >= 0) {
          return new QuotaLimit(limit);
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new TypeConversionException("'" + text + "' is neither a count of 0 or more nor 'unlimited'");
    }
  }

  /** The limit to send when the option was not given: the current one. */
  static Long orElse(QuotaLimit given, Long current) {
    return given == null ? current : given.value();
  }
}
