package io.agentd.client.api;

import java.util.List;

/**
 * A new API token.
 *
 * @param role {@code admin}, {@code operator}, {@code worker} or {@code reader}
 * @param namespaces the namespaces an operator or reader token is limited to; empty or null: all
 * @param workerId the worker a worker token acts for (required for that role, refused for others)
 * @param ttl how long it works, as {@code 30d}, {@code 12h}, ...; null: no expiry
 * @param description what it is for, shown by {@code token list}
 */
public record CreateTokenRequest(String role, List<String> namespaces, String workerId, String ttl,
                                 String description) {

  public CreateTokenRequest {
    namespaces = WireCollections.list(namespaces);
  }
}
