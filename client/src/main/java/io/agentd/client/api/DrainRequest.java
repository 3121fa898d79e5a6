package io.agentd.client.api;

/** @param maxParallel how many of the worker's agents may migrate at once (at least 1) */
public record DrainRequest(int maxParallel) {}
