package io.agentd.daemon.coordinator;

import io.agentd.statemachine.Names;
import io.agentd.statemachine.command.Command;
import io.agentd.statemachine.command.Envelope;

/**
 * Who asks for a change, from where, and the request id that makes a retry of it safe: what the
 * audit trail records with the command.
 *
 * @param principal the request's token (or {@link Principal#ANONYMOUS})
 * @param remote    the client's address, "" when none
 * @param requestId the client's Idempotency-Key, validated; null when it gave none
 */
public record Caller(Principal principal, String remote, String requestId) {
    public Caller {
        if (principal == null) {
            throw new IllegalArgumentException("a caller has a principal");
        }
        remote = remote == null ? "" : remote;
        Names.requestId(requestId);
    }

    /** The envelope of {@code command} from this caller, with {@code requestId} (a batch item's own). */
    public Envelope envelope(String requestId, Command command) {
        return new Envelope(requestId, principal.actor(), principal.roleWord(), remote, command);
    }

    public Envelope envelope(Command command) {
        return envelope(requestId, command);
    }
}
