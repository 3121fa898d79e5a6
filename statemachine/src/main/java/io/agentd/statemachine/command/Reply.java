package io.agentd.statemachine.command;

import io.agentd.statemachine.ErrorCode;
import io.agentd.statemachine.Rejection;

import java.util.Objects;

/**
 * The result of one applied command, the same on every replica. {@code body} is the
 * entity after the command (Namespace, Agent, Worker or MetadataResult) or null;
 * {@code created} tells a new entity from an existing one returned by a safe retry.
 */
public record Reply(ErrorCode code, String message, long revision, boolean created, Object body) {
    public Reply {
        Objects.requireNonNull(code, "code");
        message = message == null ? "" : message;
    }

    public static Reply ok(long revision, boolean created, Object body) {
        return new Reply(ErrorCode.OK, "", revision, created, body);
    }

    public static Reply rejected(long revision, Rejection r) {
        return new Reply(r.code(), r.getMessage(), revision, false, null);
    }

    public boolean isOk() {
        return code == ErrorCode.OK;
    }

    public <T> T bodyAs(Class<T> type) {
        return type.cast(body);
    }
}
