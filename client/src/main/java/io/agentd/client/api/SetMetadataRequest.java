package io.agentd.client.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Body of {@code PUT /v1/namespaces/{ns}/agents/{name}/metadata/{key}}.
 *
 * @param value new value
 * @param ifVersion compare-and-set: write only if the current version equals this ({@code 0}
 *     means the key must not exist); {@code null} (omitted) writes unconditionally
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SetMetadataRequest(String value, Long ifVersion) {}
