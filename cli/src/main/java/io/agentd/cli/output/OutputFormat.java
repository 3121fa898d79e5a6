package io.agentd.cli.output;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** What {@code -o} asks for. JSON and YAML print the API's objects as the server sent them. */
public enum OutputFormat {
  TABLE,
  WIDE,
  JSON,
  YAML;

  /** Whether this format prints the API's objects rather than a view of them. */
  public boolean structured() {
    return this == JSON || this == YAML;
  }

  /** Reads the lower-case names that {@code -o} takes. */
  public static final class Converter implements ITypeConverter<OutputFormat> {
    @Override
    public OutputFormat convert(String value) {
      try {
        return valueOf(value.strip().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException("expected table, wide, json or yaml but was '" + value + "'");
      }
    }
  }
}
