package io.agentd.client.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.math.BigDecimal;
import java.util.Map;

/**
 * The body of {@code PUT /v1/providers/{name}}: the provider's whole definition, which replaces
 * the one it had. A limit left out or {@code null} is none.
 *
 * @param requestsPerMinute requests a minute over the whole fleet; required, at least 1
 * @param tokensPerMinute tokens a minute over the fleet, or {@code null}
 * @param maxConcurrent calls in flight at once over the fleet, or {@code null}
 * @param group provider group, or {@code null}
 * @param priority place in the group, lower first; {@code null} is 0
 * @param shares weights of namespaces (1 to 10,000) in the fair division, or {@code null}
 * @param pricePer1kTokensUsd price of a thousand tokens in US dollars (at most 6 decimals), or
 *     {@code null}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SetProviderRequest(
    Long requestsPerMinute,
    Long tokensPerMinute,
    Integer maxConcurrent,
    String group,
    Integer priority,
    Map<String, Integer> shares,
    BigDecimal pricePer1kTokensUsd) {

  public SetProviderRequest {
    shares = WireCollections.map(shares);
  }
}
