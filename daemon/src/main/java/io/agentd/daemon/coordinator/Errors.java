package io.agentd.daemon.coordinator;

import io.agentd.daemon.http.ApiException;
import io.agentd.daemon.raft.RaftTimeoutException;
import io.agentd.daemon.raft.RaftUnavailableException;
import io.agentd.statemachine.Rejection;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/** Maps failures below the API to its error answers. */
public final class Errors {
    private Errors() {
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
            return io.agentd.daemon.http.ApiRoutesErrors.of(r);
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
}
