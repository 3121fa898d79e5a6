package io.agentd.client.api;

import java.util.List;

/**
 * The leader's division of one provider's limits: {@code GET /v1/providers/{name}/grants}.
 *
 * @param provider the provider's name
 * @param leader the leader that answered (grants are its soft state)
 * @param learning true in the first lease period of its term, while it grants no more than workers hold
 * @param workers every live worker's share, by worker and namespace, never {@code null}
 */
public record ProviderSharesView(String provider, String leader, boolean learning, List<Share> workers) {

  public ProviderSharesView {
    workers = WireCollections.list(workers);
  }

  /**
   * One worker's share for one namespace's agents. Rates are per minute.
   *
   * @param worker the worker
   * @param namespace the namespace
   * @param requestsPerMinute its grant
   * @param tokensPerMinute its token grant, or {@code null} when the provider has no token limit
   * @param maxConcurrent its calls in flight, or {@code null} when the provider has no bound
   * @param askedRequestsPerMinute what its agents asked, over the last seconds
   * @param usedRequestsPerMinute reservations its agents took, or {@code null} when it did not say
   */
  public record Share(String worker, String namespace, double requestsPerMinute, Double tokensPerMinute,
                      Integer maxConcurrent, double askedRequestsPerMinute, Double usedRequestsPerMinute) {}
}
