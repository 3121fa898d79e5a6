package io.agentd.client.api;

import java.util.List;

/**
 * The tail of an agent's output, fetched from its worker.
 *
 * @param worker the worker that holds the log
 * @param lines the last lines, oldest first
 */
public record LogsView(String worker, List<String> lines) {
  public LogsView {
    lines = WireCollections.list(lines);
  }
}
