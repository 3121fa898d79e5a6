package io.agentd.client.api;

import java.util.Map;

/**
 * The Worker object.
 *
 * @param id worker id
 * @param address host:port of its local API
 * @param zone failure zone, or {@code null}
 * @param labels labels, never {@code null}
 * @param capacitySlots slots it offers
 * @param usedSlots slots its agents use
 * @param state {@code ready}, {@code draining} or {@code down}
 * @param agents number of agents assigned to it
 * @param registerRevision revision that first registered it
 * @param revision revision that last changed it
 */
public record WorkerView(
    String id,
    String address,
    String zone,
    Map<String, String> labels,
    int capacitySlots,
    int usedSlots,
    String state,
    int agents,
    long registerRevision,
    long revision) {

  public WorkerView {
    labels = WireCollections.map(labels);
  }
}
