package io.agentd.client.api;

/**
 * The Event object: one change of the cluster.
 *
 * @param revision revision of the change
 * @param time ISO-8601 instant of the change
 * @param type e.g. {@code AgentSpawned}; new types may appear
 * @param namespace namespace concerned, or {@code null}
 * @param name agent concerned, or {@code null}
 * @param worker worker concerned, or {@code null}
 * @param detail human-readable detail
 */
public record EventView(
    long revision,
    String time,
    String type,
    String namespace,
    String name,
    String worker,
    String detail) {}
