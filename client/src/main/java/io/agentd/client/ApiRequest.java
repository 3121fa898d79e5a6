package io.agentd.client;

import com.fasterxml.jackson.core.type.TypeReference;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One call of the API, not yet sent: method, path, query, body and the type of the answer.
 * Immutable; build one with {@link Api}.
 *
 * <p>A write (any method but GET) is one logical operation: {@link AgentdClient#send} gives it
 * one {@code Idempotency-Key} and sends that same key on every retry, unless the caller set
 * its own with {@link #withIdempotencyKey}.
 *
 * @param <T> type of a successful answer
 */
public final class ApiRequest<T> {

  /** One query parameter; a name may repeat. */
  public record QueryParam(String name, String value) {}

  private final String method;
  private final String path;
  private final List<QueryParam> query;
  private final Object body;
  private final TypeReference<T> answerType;
  private final Duration wait;
  private final String idempotencyKey;

  ApiRequest(String method, String path, List<QueryParam> query, Object body, TypeReference<T> answerType,
      Duration wait, String idempotencyKey) {
    this.method = Objects.requireNonNull(method);
    this.path = Objects.requireNonNull(path);
    this.query = List.copyOf(query);
    this.body = body;
    this.answerType = Objects.requireNonNull(answerType);
    this.wait = Objects.requireNonNull(wait);
    this.idempotencyKey = idempotencyKey;
  }

  static <T> ApiRequest<T> get(String path, TypeReference<T> answerType) {
    return new ApiRequest<>("GET", path, List.of(), null, answerType, Duration.ZERO, null);
  }

  static <T> ApiRequest<T> write(String method, String path, Object body, TypeReference<T> answerType) {
    return new ApiRequest<>(method, path, List.of(), body, answerType, Duration.ZERO, null);
  }

  /** Adds a query parameter; a {@code null} value adds nothing. */
  ApiRequest<T> param(String name, Object value) {
    if (value == null) {
      return this;
    }
    List<QueryParam> params = new ArrayList<>(query);
    params.add(new QueryParam(name, value.toString()));
    return new ApiRequest<>(method, path, params, body, answerType, wait, idempotencyKey);
  }

  /** A server-side wait: the attempt timeout and the call deadline grow by it. */
  ApiRequest<T> waiting(Duration serverWait) {
    ApiRequest<T> request = param("wait", ApiDurations.format(serverWait));
    return new ApiRequest<>(method, path, request.query, body, answerType, serverWait, idempotencyKey);
  }

  /**
   * This read with the given consistency and blocking options.
   *
   * @throws IllegalStateException when this request is a write
   */
  public ApiRequest<T> withRead(ReadOptions read) {
    if (isWrite()) {
      throw new IllegalStateException(method + " " + path + " is a write");
    }
    ApiRequest<T> request = this;
    if (read.stale()) {
      request = request.param("stale", "true");
    }
    if (read.index().isPresent()) {
      request = request.param("index", read.index().getAsLong()).waiting(read.maxWait());
    }
    return request;
  }

  /**
   * This write with a key chosen by the caller, for retries that span several {@code send}
   * calls or processes: 1 to 64 characters of {@code [A-Za-z0-9._:-]}.
   */
  public ApiRequest<T> withIdempotencyKey(String key) {
    if (!isWrite()) {
      throw new IllegalStateException(method + " " + path + " is a read");
    }
    if (key == null || !key.matches("[A-Za-z0-9._:-]{1,64}")) {
      throw new IllegalArgumentException("idempotency key must be 1..64 of [A-Za-z0-9._:-]: " + key);
    }
    return new ApiRequest<>(method, path, query, body, answerType, wait, key);
  }

  public String method() {
    return method;
  }

  /** The path, its segments already percent-encoded. */
  public String path() {
    return path;
  }

  public List<QueryParam> query() {
    return query;
  }

  /** Path and encoded query, e.g. {@code /v1/agents?state=running}. */
  public String pathAndQuery() {
    if (query.isEmpty()) {
      return path;
    }
    StringBuilder target = new StringBuilder(path);
    char separator = '?';
    for (QueryParam param : query) {
      target.append(separator).append(encode(param.name())).append('=').append(encode(param.value()));
      separator = '&';
    }
    return target.toString();
  }

  /** The body to send as JSON, if any. */
  public Optional<Object> body() {
    return Optional.ofNullable(body);
  }

  /** How long the server may hold this request before it answers, zero for most. */
  public Duration serverWait() {
    return wait;
  }

  /** The key set with {@link #withIdempotencyKey}, if any. */
  public Optional<String> idempotencyKey() {
    return Optional.ofNullable(idempotencyKey);
  }

  /** Whether this call changes state (anything but GET). */
  public boolean isWrite() {
    return !method.equals("GET");
  }

  TypeReference<T> answerType() {
    return answerType;
  }

  /** Percent-encodes one path segment or query component; a {@code /} inside becomes {@code %2F}. */
  static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  @Override
  public String toString() {
    return method + " " + pathAndQuery();
  }
}
