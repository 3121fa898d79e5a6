package io.agentd.client.api;

/**
 * Body of {@code POST /v1/namespaces/{ns}/agents/{name}/health}, sent by the worker that runs
 * the agent, on the agent's behalf. A report with a stale fencing token is rejected.
 *
 * @param fencingToken token of the assignment the worker holds
 * @param status {@code ok}, {@code degraded} or {@code unhealthy}
 * @param progress free text, up to 256 characters ({@code null}: empty)
 */
public record HealthReport(long fencingToken, String status, String progress) {}
