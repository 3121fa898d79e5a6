package io.agentd.daemon.api;

import io.agentd.daemon.coordinator.Coordinator;
import io.agentd.statemachine.Names;
import io.agentd.statemachine.model.AuditRecord;

import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * {@code GET /v1/audit}: the audit trail, for admins. Every applied command has a record, refused
 * ones included: who (token id, role, address), what, on what, and the answer. Filters: {@code
 * since} (a duration back from now, {@code 1h}, or an RFC 3339 time), {@code after} (a revision),
 * {@code actor}, {@code namespace}, {@code command}; the last {@code limit} that match, oldest first. Read from this node's store once it has caught up
 * with the leader, like every read.
 */
final class AuditRoutes {
    static final int MAX_LIMIT = 10_000;
    private final Coordinator coordinator;
    private final Reads reads;

    AuditRoutes(Coordinator coordinator, Reads reads) {
        this.coordinator = coordinator;
        this.reads = reads;
    }

    void register(Router r) {
        r.get("/v1/audit", Guard.admin(), this::audit);
    }

    /** Epoch millis from {@code since}: a duration back from now, or an RFC 3339 time; 0 when absent. */
    private static long since(String text) {
        if (text == null) {
            return 0;
        }
        try {
            return System.currentTimeMillis() - io.agentd.client.ApiDurations.parse(text).toMillis();
        } catch (IllegalArgumentException notADuration) {
            try {
                return java.time.OffsetDateTime.parse(text).toInstant().toEpochMilli();
            } catch (java.time.format.DateTimeParseException e) {
                throw ApiException.invalid("query parameter 'since' must be a duration back from now (1h, 30m) or"
                        + " an RFC 3339 time (2026-12-07T10:00:00Z), got '" + text + "'");
            }
        }
    }

    private CompletableFuture<ApiResponse> audit(ApiRequest q) {
        long after = q.longQuery("after", 0, 0, Long.MAX_VALUE);
        long since = since(q.query("since"));
        int limit = (int) q.longQuery("limit", 100, 1, MAX_LIMIT);
        String actor = q.query("actor");
        String namespace = q.query("namespace");
        if (namespace != null) {
            Names.namespace(namespace);
        }
        String command = q.query("command");
        Predicate<AuditRecord> filter = a -> a.revision() > after && a.time() >= since
                && (actor == null || actor.equals(a.actor()))
                && (namespace == null || a.target().startsWith(namespace + "/") || a.target().equals(namespace))
                && (command == null || command.equals(a.command()));
        // The barrier of a read first (this node has what the leader had committed), then the trail.
        return reads.lookUp(q, -1, java.time.Duration.ZERO, s -> s.revision()).thenApply(rev -> ApiResponse.ok(
                coordinator.audit(filter, limit).stream().map(Views::audit).toList())
                .withHeader(Reads.REVISION_HEADER, Long.toString(rev)));
    }
}
