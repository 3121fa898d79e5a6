package io.agentd.statemachine.command;

import java.util.Objects;

/**
 * A command with who sent it and the client's request id (null when the client gave none). One
 * log entry carries a batch of envelopes.
 *
 * @param actor  who asked: a token's id, "anonymous" where authentication is off, or a service
 *               of the leader ("lease-sweeper")
 * @param role   the actor's role word ("admin", ...), "" when none
 * @param remote the client's address (host:port), "" when none
 */
public record Envelope(String requestId, String actor, String role, String remote, Command command) {
    public Envelope {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(remote, "remote");
        Objects.requireNonNull(command, "command");
    }

    /** An envelope without a role or an address (services of the leader, tests, older entries). */
    public Envelope(String requestId, String actor, Command command) {
        this(requestId, actor, "", "", command);
    }
}
