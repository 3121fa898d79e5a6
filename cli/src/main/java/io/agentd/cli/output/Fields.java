package io.agentd.cli.output;

/** Aligned "Label: value" lines, for the readable views of one object. */
final class Fields {

  private final StringBuilder text = new StringBuilder();
  private final int width;
  private final String indent;

  Fields(int width, String indent) {
    this.width = width;
    this.indent = indent;
  }

  Fields add(String label, Object value) {
    String shown = value == null ? Table.NONE : value.toString();
    text.append(indent).append(String.format("%-" + width + "s", label + ":")).append(shown).append('\n');
    return this;
  }

  /** A line as is, e.g. a section heading. */
  Fields line(String line) {
    text.append(line).append('\n');
    return this;
  }

  @Override
  public String toString() {
    return text.toString();
  }
}
