package io.agentd.client.api;

import java.util.List;

/**
 * Body of {@code POST /v1/namespaces/{ns}/agents:batch}: up to 1,000 agents to spawn in one
 * log entry. Each item is spawned as {@code POST /v1/namespaces/{ns}/agents} would.
 *
 * @param agents the agents, each a name and a spec; names must differ
 */
public record SpawnBatchRequest(List<SpawnRequest> agents) {

  public SpawnBatchRequest {
    // Not List.copyOf: a null item must reach the server's check, which names it.
    agents = agents == null ? List.of() : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(agents));
  }
}
