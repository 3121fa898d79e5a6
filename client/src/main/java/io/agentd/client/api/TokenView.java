package io.agentd.client.api;

import java.util.List;

/**
 * An API token as the API shows it: never its secret, nor the secret's hash.
 *
 * @param id its id, such as {@code t42}
 * @param role {@code admin}, {@code operator}, {@code worker} or {@code reader}
 * @param namespaces the namespaces it is limited to; empty: all
 * @param workerId the worker a worker token acts for, or null
 * @param expiresAt when it stops working (RFC 3339), or null: never
 * @param description what it is for
 * @param createRevision the revision that created it
 * @param createTime when it was created (RFC 3339)
 * @param revoked whether it was revoked
 * @param revokedAt when (RFC 3339), or null
 */
public record TokenView(String id, String role, List<String> namespaces, String workerId, String expiresAt,
                        String description, long createRevision, String createTime, boolean revoked,
                        String revokedAt) {

  public TokenView {
    namespaces = WireCollections.list(namespaces);
  }
}
