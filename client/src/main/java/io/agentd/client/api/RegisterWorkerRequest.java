package io.agentd.client.api;

import java.util.Map;

/**
 * Body of {@code POST /v1/workers}; registering an existing id updates it.
 *
 * @param id worker id
 * @param address host:port of its local API
 * @param zone failure zone, or {@code null}
 * @param labels labels, never {@code null}
 * @param capacitySlots slots it offers
 */
public record RegisterWorkerRequest(
    String id, String address, String zone, Map<String, String> labels, int capacitySlots) {

  public RegisterWorkerRequest {
    labels = WireCollections.map(labels);
  }
}
