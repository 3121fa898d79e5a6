package io.agentd.statemachine.model;

/**
 * Who asked for what, and what came of it; one per applied command. {@code role} and
 * {@code remote} are "" in records written before they were recorded, and for requests without.
 */
public record AuditRecord(long revision, long time, String actor, String role, String remote, String requestId,
                          String command, String target, String result) {
}
