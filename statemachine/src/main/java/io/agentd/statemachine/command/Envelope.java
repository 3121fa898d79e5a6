package io.agentd.statemachine.command;

import java.util.Objects;

/**
 * A command with who sent it and the client's request id (null when the client gave
 * none). One log entry carries a batch of envelopes.
 */
public record Envelope(String requestId, String actor, Command command) {
    public Envelope {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(command, "command");
    }
}
