package io.agentd.client.api;

/**
 * @param data the agent's last saved state
 * @param revision the revision that saved it
 */
public record CheckpointView(String data, long revision) {}
