package io.agentd.daemon.api;

import io.agentd.daemon.coordinator.NotLeaderException;
import io.agentd.daemon.raft.RaftTimeoutException;
import io.agentd.daemon.raft.RaftUnavailableException;
import io.agentd.statemachine.ErrorCode;
import io.agentd.statemachine.Rejection;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/** Maps what the layers below the API fail with to the API's error answers. */
public final class ErrorMapping {
    private ErrorMapping() {
    }

    public static ApiException map(Throwable t) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        if (c instanceof ApiException a) {
            return a;
        }
        if (c instanceof Rejection r) {
            return error(r.code(), r.getMessage());
        }
        if (c instanceof io.agentd.daemon.coordinator.Unauthenticated) {
            return new ApiException(401, "UNAUTHENTICATED", c.getMessage());
        }
        if (c instanceof io.agentd.daemon.coordinator.Forbidden) {
            return new ApiException(403, "PERMISSION_DENIED", c.getMessage());
        }
        if (c instanceof io.agentd.daemon.raft.MembershipException m) {
            return switch (m.kind()) {
                case NOT_FOUND -> new ApiException(404, "NOT_FOUND", m.getMessage());
                case BUSY, CONFLICT, STALE_LEADER -> new ApiException(409, "FAILED_PRECONDITION", m.getMessage());
            };
        }
        if (c instanceof io.agentd.daemon.coordinator.Overloaded o) {
            return ApiException.tooManyRequests(o.getMessage(), o.retryAfterSeconds());
        }
        if (c instanceof io.agentd.daemon.raft.RaftOverloadedException) {
            return ApiException.tooManyRequests(c.getMessage(), 1);
        }
        if (c instanceof NotLeaderException) {
            return ApiException.unavailable(c.getMessage());
        }
        if (c instanceof TimeoutException || c instanceof RaftTimeoutException) {
            return new ApiException(504, "TIMEOUT", "the request did not complete in time; its outcome is unknown"
                    + (c.getMessage() == null ? "" : ": " + c.getMessage()));
        }
        if (c instanceof RaftUnavailableException) {
            return ApiException.unavailable(c.getMessage() == null ? "no leader" : c.getMessage());
        }
        return new ApiException(500, "INTERNAL", c.toString());
    }

    /** The answer for a state machine reply code: 400, 404, 409 or 403. */
    static ApiException error(ErrorCode code, String message) {
        return switch (code) {
            case INVALID_ARGUMENT -> new ApiException(400, code.name(), message);
            case NOT_FOUND -> new ApiException(404, code.name(), message);
            case ALREADY_EXISTS, VERSION_MISMATCH, FAILED_PRECONDITION -> new ApiException(409, code.name(), message);
            case QUOTA_EXCEEDED, PERMISSION_DENIED -> new ApiException(403, code.name(), message);
            case OK -> throw new IllegalArgumentException("OK is not an error");
        };
    }
}
