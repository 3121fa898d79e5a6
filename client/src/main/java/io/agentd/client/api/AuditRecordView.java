package io.agentd.client.api;

/**
 * One record of the audit trail: who asked for what, and what came of it.
 *
 * @param revision the registry's revision after the command (unchanged for a refused one)
 * @param time when it was applied (RFC 3339)
 * @param actor a token's id, {@code anonymous} where authentication is off, or a service of the
 *     leader such as {@code lease-sweeper}
 * @param role the actor's role, or empty
 * @param remote the client's address, or empty
 * @param requestId the request's Idempotency-Key, or null
 * @param command the command, such as {@code SpawnAgent}
 * @param target what it was about, such as {@code default/summarizer}
 * @param result {@code OK}, an error code, or {@code DUPLICATE} (a retry answered from the first)
 */
public record AuditRecordView(long revision, String time, String actor, String role, String remote,
                              String requestId, String command, String target, String result) {}
