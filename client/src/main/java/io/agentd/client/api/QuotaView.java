package io.agentd.client.api;

/**
 * A namespace quota, also the body of {@code PUT /v1/namespaces/{ns}/quota}.
 *
 * @param maxAgents most agents the namespace may hold; {@code null} means unlimited
 * @param maxSlots most slots its agents may use together; {@code null} means unlimited
 */
public record QuotaView(Long maxAgents, Long maxSlots) {

  /** A quota without limits. */
  public static QuotaView unlimited() {
    return new QuotaView(null, null);
  }
}
