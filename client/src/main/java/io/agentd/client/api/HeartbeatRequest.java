package io.agentd.client.api;

import java.util.List;

/**
 * The body of a worker's lease renewal: what its agents ask of each provider and what it holds
 * ({@code {}} when it uses no provider).
 *
 * @param providers one entry per provider and namespace with demand or a grant held, never
 *     {@code null}
 */
public record HeartbeatRequest(List<ProviderDemand> providers) {
  public HeartbeatRequest {
    providers = WireCollections.list(providers);
  }
}
