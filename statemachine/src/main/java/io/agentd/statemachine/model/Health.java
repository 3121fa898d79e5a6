package io.agentd.statemachine.model;

import java.util.Objects;

/**
 * What a running agent last said about itself through its worker's local API: a status word
 * ({@code ok}, {@code degraded}, {@code unhealthy}), free-text progress, and the log time of
 * the report.
 */
public record Health(String status, String progress, long time) {
    public static final int MAX_PROGRESS = 256;

    public Health {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(progress, "progress");
    }

    /** True for the status words the API accepts. */
    public static boolean known(String status) {
        return "ok".equals(status) || "degraded".equals(status) || "unhealthy".equals(status);
    }
}
