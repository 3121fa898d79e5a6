package io.agentd.client.api;

/**
 * An agent's saved state, sent by its worker.
 *
 * @param fencingToken the token of the assignment the agent runs under; a stale one is refused
 * @param data the state, at most 64 KiB of text (e.g. JSON)
 */
public record CheckpointRequest(long fencingToken, String data) {}
