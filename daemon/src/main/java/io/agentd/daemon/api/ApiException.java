package io.agentd.daemon.api;

/** An error answer: HTTP status + the API's error code + a message naming the problem. */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String code;
    private final long retryAfterSeconds;

    public ApiException(int status, String code, String message) {
        this(status, code, message, 0);
    }

    /** @param retryAfterSeconds sent as the Retry-After header when above 0 */
    public ApiException(int status, String code, String message, long retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** Whole seconds for the Retry-After header; 0: none. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public static ApiException invalid(String message) {
        return new ApiException(400, "INVALID_ARGUMENT", message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, "NOT_FOUND", message);
    }

    public static ApiException unavailable(String message) {
        return new ApiException(503, "UNAVAILABLE", message);
    }

    /** 429: a bound of this server or of the caller's token is reached; nothing was done. */
    public static ApiException tooManyRequests(String message, long retryAfterSeconds) {
        return new ApiException(429, TOO_MANY_REQUESTS, message, Math.max(1, retryAfterSeconds));
    }

    /** 507: a server of the cluster is low on disk, so the cluster takes no writes that add data. */
    public static ApiException insufficientStorage(String message) {
        return new ApiException(507, INSUFFICIENT_STORAGE, message);
    }

    public static final String TOO_MANY_REQUESTS = "TOO_MANY_REQUESTS";
    public static final String INSUFFICIENT_STORAGE = "INSUFFICIENT_STORAGE";
}
