package io.agentd.client.api;

/**
 * What a namespace uses of its quota.
 *
 * @param agents agents in the namespace
 * @param slots slots those agents use together
 */
public record UsageView(long agents, long slots) {}
