package io.agentd.statemachine.model;

/**
 * One entry of the change feed. {@code seq} orders several events of one revision.
 * namespace, name, worker may be null when they do not apply.
 */
public record Event(long revision, int seq, long time, EventType type, String namespace, String name,
                    String worker, String detail) {
}
