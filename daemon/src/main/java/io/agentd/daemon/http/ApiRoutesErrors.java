package io.agentd.daemon.http;

import io.agentd.statemachine.Rejection;

/** Exposes the reply-code mapping of {@link ApiRoutes} to the error mapper. */
public final class ApiRoutesErrors {
    private ApiRoutesErrors() {
    }

    public static ApiException of(Rejection r) {
        return ApiRoutes.error(r.code(), r.getMessage());
    }
}
