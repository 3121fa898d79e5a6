package io.agentd.cli.output;

import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.agentd.client.ApiReply;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.function.Function;

/**
 * Writes results to stdout in the format {@code -o} asked for. JSON and YAML print the
 * answer exactly as the server sent it, as one document; table and wide print a view.
 */
public final class Output {

  /** Built on first use: a command that prints a table needs neither. */
  private static final class Mappers {
    static final ObjectMapper JSON = new ObjectMapper();
    static final ObjectWriter PRETTY_JSON = JSON.writer(new DefaultPrettyPrinter()
        .withSeparators(Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER)));
    // Every string value stays quoted: unquoted, a timestamp or "yes" would change type for
    // YAML 1.1 readers.
    static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
        .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
        .build());
  }

  private final PrintWriter out;
  private final OutputFormat format;

  public Output(PrintWriter out, OutputFormat format) {
    this.out = out;
    this.format = format;
  }

  public OutputFormat format() {
    return format;
  }

  public boolean wide() {
    return format == OutputFormat.WIDE;
  }

  /** The answer as JSON or YAML, or else the view of its value. */
  public <T> void print(ApiReply<T> reply, Function<T, String> view) {
    if (format.structured()) {
      document(reply.json());
    } else {
      out.print(view.apply(reply.value()));
    }
    out.flush();
  }

  /** One JSON or YAML document. */
  public void document(JsonNode json) {
    try {
      if (format == OutputFormat.YAML) {
        out.print(Mappers.YAML.writeValueAsString(json));
      } else {
        out.println(Mappers.PRETTY_JSON.writeValueAsString(json));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * One item of a stream: in JSON one object per line, in YAML one document after a
   * {@code ---}, else the given text line.
   */
  public void streamItem(JsonNode json, String line) {
    try {
      switch (format) {
        case JSON -> out.println(Mappers.JSON.writeValueAsString(json));
        case YAML -> out.print("---\n" + Mappers.YAML.writeValueAsString(json));
        default -> out.println(line);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.flush();
  }
}
