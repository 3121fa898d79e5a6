package io.agentd.cli.output;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A plain-text table: a header and rows, each column as wide as its widest cell, columns
 * three spaces apart, so every column starts at the same offset on every line. A {@code null}
 * cell prints as {@code -}.
 */
public final class Table {

  static final String NONE = "-";
  private static final String GAP = "   ";

  private final List<String> header;
  private final List<List<String>> rows = new ArrayList<>();

  public Table(String... header) {
    this.header = List.of(header);
  }

  /** Adds a row with one cell per header column. */
  public Table row(Object... cells) {
    if (cells.length != header.size()) {
      throw new IllegalArgumentException("expected " + header.size() + " cells, got " + Arrays.toString(cells));
    }
    List<String> row = new ArrayList<>(cells.length);
    for (Object cell : cells) {
      row.add(cell == null ? NONE : cell.toString().replace('\n', ' '));
    }
    rows.add(row);
    return this;
  }

  /** The lines, each ending in a newline; the last column is not padded. */
  public String render() {
    int[] widths = new int[header.size()];
    for (int column = 0; column < widths.length; column++) {
      widths[column] = header.get(column).length();
      for (List<String> row : rows) {
        widths[column] = Math.max(widths[column], row.get(column).length());
      }
    }
    StringBuilder text = new StringBuilder();
    appendLine(text, header, widths);
    rows.forEach(row -> appendLine(text, row, widths));
    return text.toString();
  }

  private static void appendLine(StringBuilder text, List<String> cells, int[] widths) {
    StringBuilder line = new StringBuilder();
    for (int column = 0; column < cells.size(); column++) {
      String cell = cells.get(column);
      line.append(cell);
      if (column < cells.size() - 1) {
        line.append(" ".repeat(widths[column] - cell.length())).append(GAP);
      }
    }
    text.append(line.toString().stripTrailing()).append('\n');
  }
}
