package io.agentd.client.api;

import java.util.List;

/**
 * The tail of an agent's output, fetched from its worker.
 *
 * @param worker the worker that holds the log
 * @param lines the last lines (or those after the cursor asked with), oldest first
 * @param cursor where this answer ended: ask with {@code ?cursor=} for what comes next
 * @param skipped true when lines between the asked cursor and these were rotated away
 */
public record LogsView(String worker, List<String> lines, String cursor, boolean skipped) {
  public LogsView {
    lines = WireCollections.list(lines);
  }
}
