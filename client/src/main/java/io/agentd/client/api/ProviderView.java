package io.agentd.client.api;

import java.math.BigDecimal;
import java.util.Map;

/**
 * An LLM provider account whose limits the fleet shares.
 *
 * @param name its name, a DNS label
 * @param requestsPerMinute requests a minute over the whole fleet
 * @param tokensPerMinute tokens a minute over the whole fleet, or {@code null} for no token limit
 * @param maxConcurrent calls in flight at once over the fleet, or {@code null} for no bound
 * @param group its provider group, or {@code null}
 * @param priority its place in its group, lower first
 * @param shares weights of namespaces in the fair division of the limits (a namespace not named
 *     weighs 1), never {@code null}
 * @param pricePer1kTokensUsd the price of a thousand tokens in US dollars, or {@code null}
 * @param createRevision revision that created it
 * @param revision revision that last changed it
 */
public record ProviderView(
    String name,
    long requestsPerMinute,
    Long tokensPerMinute,
    Integer maxConcurrent,
    String group,
    int priority,
    Map<String, Integer> shares,
    BigDecimal pricePer1kTokensUsd,
    long createRevision,
    long revision) {

  public ProviderView {
    shares = WireCollections.map(shares);
  }
}
