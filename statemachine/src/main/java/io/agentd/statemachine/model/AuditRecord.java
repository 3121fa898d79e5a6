package io.agentd.statemachine.model;

/** Who asked for what, and what came of it; one per applied command. */
public record AuditRecord(long revision, long time, String actor, String requestId, String command, String target,
                          String result) {
}
