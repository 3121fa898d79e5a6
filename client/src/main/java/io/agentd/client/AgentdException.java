package io.agentd.client;

/**
 * A call to the agentd API that did not succeed.
 *
 * <p>{@link #code()} is the API's error code ({@code NOT_FOUND}, {@code QUOTA_EXCEEDED}, …) or
 * one the client sets itself: {@link #UNAVAILABLE} with status 0 when no endpoint could be
 * reached, {@link #TIMEOUT} with status 0 when the call ran out of time, {@link #INTERRUPTED}
 * when the calling thread was interrupted, {@link #TLS_FAILED} with status 0 when TLS could not be
 * agreed with any endpoint (the server's certificate not trusted, or this client's refused).
 *
 * <p>{@link #TOO_MANY_REQUESTS} (429) and {@link #INSUFFICIENT_STORAGE} (507) say the server took
 * nothing on: the first until a bound is no longer reached ({@link #retryAfter()} says when to try
 * again), the second while a server of the cluster is low on disk (reads and deletes still work).
 */
public final class AgentdException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public static final String INVALID_ARGUMENT = "INVALID_ARGUMENT";
  public static final String UNAUTHENTICATED = "UNAUTHENTICATED";
  public static final String PERMISSION_DENIED = "PERMISSION_DENIED";
  public static final String QUOTA_EXCEEDED = "QUOTA_EXCEEDED";
  public static final String NOT_FOUND = "NOT_FOUND";
  public static final String METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED";
  public static final String ALREADY_EXISTS = "ALREADY_EXISTS";
  public static final String VERSION_MISMATCH = "VERSION_MISMATCH";
  public static final String FAILED_PRECONDITION = "FAILED_PRECONDITION";
  public static final String PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE";
  public static final String UNAVAILABLE = "UNAVAILABLE";
  /** 429: a bound of the server (requests held, proposals queued) or the token's rate is reached. */
  public static final String TOO_MANY_REQUESTS = "TOO_MANY_REQUESTS";
  /** 507: a server of the cluster is low on disk; writes that add data are refused until it has more. */
  public static final String INSUFFICIENT_STORAGE = "INSUFFICIENT_STORAGE";
  public static final String TIMEOUT = "TIMEOUT";
  public static final String INTERNAL = "INTERNAL";
  /**
   * Set by the client, never by the server: the TLS handshake failed, because this client does not
   * trust the server's certificate (or it does not name the host) or the server refused this
   * client's. The message says which.
   */
  public static final String TLS_FAILED = "TLS_FAILED";
  /** Set by the client, never by the server: the calling thread was interrupted. */
  public static final String INTERRUPTED = "INTERRUPTED";

  private final int status;
  private final String code;
  private final transient java.time.Duration retryAfter;
  private final transient java.net.URI endpoint;

  /**
   * @param status HTTP status of the answer, 0 when there was none
   * @param code API error code, never {@code null}
   * @param message human-readable message
   */
  public AgentdException(int status, String code, String message) {
    this(status, code, message, null);
  }

  public AgentdException(int status, String code, String message, Throwable cause) {
    this(status, code, message, cause, null, null);
  }

  /**
   * @param retryAfter the answer's {@code Retry-After}, or {@code null} when it had none
   * @param endpoint the endpoint that answered, or {@code null} when none did
   */
  public AgentdException(int status, String code, String message, Throwable cause, java.time.Duration retryAfter,
      java.net.URI endpoint) {
    super(message, cause);
    this.status = status;
    this.code = code == null ? codeForStatus(status) : code;
    this.retryAfter = retryAfter;
    this.endpoint = endpoint;
  }

  /** How long the server asked to wait before trying again (its {@code Retry-After}), when it did. */
  public java.util.Optional<java.time.Duration> retryAfter() {
    return java.util.Optional.ofNullable(retryAfter);
  }

  /** The endpoint whose answer this is, when one answered. */
  public java.util.Optional<java.net.URI> endpoint() {
    return java.util.Optional.ofNullable(endpoint);
  }

  /** HTTP status of the answer, 0 when no answer came. */
  public int status() {
    return status;
  }

  /** API error code, e.g. {@code NOT_FOUND}. */
  public String code() {
    return code;
  }

  /** The code the API uses for a status when an answer has no readable error body. */
  static String codeForStatus(int status) {
    return switch (status) {
      case 400 -> INVALID_ARGUMENT;
      case 401 -> UNAUTHENTICATED;
      case 403 -> PERMISSION_DENIED;
      case 404 -> NOT_FOUND;
      case 405 -> METHOD_NOT_ALLOWED;
      case 409 -> FAILED_PRECONDITION;
      case 413 -> PAYLOAD_TOO_LARGE;
      case 429 -> TOO_MANY_REQUESTS;
      case 507 -> INSUFFICIENT_STORAGE;
      case 503 -> UNAVAILABLE;
      case 504 -> TIMEOUT;
      default -> INTERNAL;
    };
  }

  @Override
  public String toString() {
    return "AgentdException[" + (status == 0 ? "" : status + " ") + code + "]: " + getMessage();
  }
}
