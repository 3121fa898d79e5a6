package io.agentd.client.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Body of {@code POST /v1/namespaces}.
 *
 * @param name namespace name, a DNS label
 * @param quota initial quota, or {@code null} (omitted) for unlimited
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CreateNamespaceRequest(String name, QuotaView quota) {}
