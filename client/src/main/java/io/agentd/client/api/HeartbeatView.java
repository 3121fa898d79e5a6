package io.agentd.client.api;

/**
 * The answer to a worker's lease renewal.
 *
 * @param worker the worker's id
 * @param state the worker's state ({@code ready} or {@code draining})
 * @param leaseTtlMs how long the lease lasts, counted by the worker from when it sent the renewal
 * @param revision the cluster revision the leader had applied when it renewed the lease
 */
public record HeartbeatView(String worker, String state, long leaseTtlMs, long revision) {}
