package io.agentd.client;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Filters for listing agents; every part that is set must match.
 *
 * @param state only agents in this state, or {@code null} for any
 * @param worker only agents on this worker, or {@code null} for any
 * @param labels only agents carrying all these labels, never {@code null}
 */
public record AgentFilter(String state, String worker, Map<String, String> labels) {

  /** Matches every agent. */
  public static final AgentFilter ALL = new AgentFilter(null, null, Map.of());

  public AgentFilter {
    labels = labels == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(labels));
  }
}
