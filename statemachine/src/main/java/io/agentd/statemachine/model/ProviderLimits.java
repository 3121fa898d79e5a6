package io.agentd.statemachine.model;

import java.util.Objects;
import java.util.SortedMap;

/**
 * What an LLM provider account allows the whole fleet, as an operator sets it with
 * {@code agentctl provider set}; a {@code 0} limit is none.
 *
 * @param requestsPerMinute requests a minute over the fleet, at least 1
 * @param tokensPerMinute tokens a minute over the fleet, or 0 for no token limit
 * @param maxConcurrent calls in flight at once over the fleet, or 0 for no bound
 * @param group the provider group it belongs to ("" for none): a reservation on a group takes the
 *     first provider of the group, in priority order, that has capacity
 * @param priority its place in its group, lower first
 * @param shares weights of namespaces in the fair division of the limits (a namespace not named
 *     weighs 1)
 * @param pricePer1kTokensMicros the price of a thousand tokens in millionths of a US dollar, or 0
 *     when unpriced
 */
public record ProviderLimits(long requestsPerMinute, long tokensPerMinute, int maxConcurrent, String group,
                             int priority, SortedMap<String, Integer> shares, long pricePer1kTokensMicros) {
    public ProviderLimits {
        Objects.requireNonNull(group, "group");
        shares = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(Objects.requireNonNull(shares,
                "shares")));
    }
}
