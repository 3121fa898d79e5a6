package io.agentd.client.api;

/**
 * Body of {@code POST /v1/namespaces/{ns}/agents}.
 *
 * @param name agent name, a DNS label
 * @param spec what to run; {@code command} is required
 */
public record SpawnRequest(String name, AgentSpecView spec) {}
