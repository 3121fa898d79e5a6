package io.agentd.client.api;

import java.util.List;

/**
 * Answer of a batch spawn: one result per agent, in request order, and the counts.
 *
 * @param results one per agent of the request, same order
 * @param created agents created by this request
 * @param unchanged agents that already existed with the same spec
 * @param rejected agents refused (see each result's error)
 */
public record SpawnBatchView(List<SpawnBatchItemView> results, int created, int unchanged, int rejected) {

  public SpawnBatchView {
    results = WireCollections.list(results);
  }
}
