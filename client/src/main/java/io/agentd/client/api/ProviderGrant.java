package io.agentd.client.api;

/**
 * A worker's share of one provider's limits for one namespace's agents, in a heartbeat's answer:
 * valid until the worker's lease runs out unless the next answer replaces it.
 *
 * @param provider the provider's name
 * @param namespace the namespace whose agents may use it
 * @param requestsPerMinute requests a minute
 * @param tokensPerMinute tokens a minute, or {@code null} when the provider has no token limit
 * @param maxConcurrent calls in flight at once, or {@code null} when the provider has no bound
 */
public record ProviderGrant(String provider, String namespace, double requestsPerMinute, Double tokensPerMinute,
                            Integer maxConcurrent) {}
