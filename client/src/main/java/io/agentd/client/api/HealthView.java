package io.agentd.client.api;

/**
 * What a running agent last reported about itself through its worker's local API.
 *
 * @param status {@code ok}, {@code degraded} or {@code unhealthy}
 * @param progress free text, up to 256 characters (may be empty)
 * @param time ISO-8601 instant the report was recorded
 */
public record HealthView(String status, String progress, String time) {}
