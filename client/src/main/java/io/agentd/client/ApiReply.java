package io.agentd.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A successful answer of the API.
 *
 * @param <T> wire type of the answer
 */
public final class ApiReply<T> {
  private final int status;
  private final T value;
  private final long revision;
  private final String continueToken;
  private Supplier<JsonNode> tree;
  private JsonNode json;

  /**
   * @param status HTTP status, e.g. 200, or 201 when something was created
   * @param value the answer read as its wire type
   * @param json the answer exactly as the server sent it, including fields this client does not
   *     know
   * @param revision the {@code X-Agentd-Revision} header, or 0 when absent
   * @param continueToken the {@code X-Agentd-Continue} header of a full list page (ask for the
   *     next page with it), or {@code null}
   */
  public ApiReply(int status, T value, JsonNode json, long revision, String continueToken) {
    this(status, value, revision, continueToken, null);
    this.json = Objects.requireNonNull(json);
  }

  public ApiReply(int status, T value, JsonNode json, long revision) {
    this(status, value, json, revision, null);
  }

  private ApiReply(int status, T value, long revision, String continueToken, Supplier<JsonNode> tree) {
    this.status = status;
    this.value = value;
    this.revision = revision;
    this.continueToken = continueToken;
    this.tree = tree;
  }

  /** An answer whose tree is read only when {@link #json()} is first asked for. */
  static <T> ApiReply<T> readingTreeLater(int status, T value, long revision, String continueToken,
      Supplier<JsonNode> tree) {
    return new ApiReply<>(status, value, revision, continueToken, Objects.requireNonNull(tree));
  }

  /** HTTP status, e.g. 200, or 201 when something was created. */
  public int status() {
    return status;
  }

  /** The answer read as its wire type. */
  public T value() {
    return value;
  }

  /** The answer exactly as the server sent it, including fields this client does not know. */
  public synchronized JsonNode json() {
    if (json == null) {
      json = tree.get();
      tree = null;
    }
    return json;
  }

  /** The {@code X-Agentd-Revision} header, or 0 when absent. */
  public long revision() {
    return revision;
  }

  /** The {@code X-Agentd-Continue} header of a full list page, or {@code null}. */
  public String continueToken() {
    return continueToken;
  }

  @Override
  public String toString() {
    return "ApiReply[status=" + status + ", value=" + value + ", revision=" + revision
        + (continueToken == null ? "" : ", continueToken=" + continueToken) + "]";
  }
}
