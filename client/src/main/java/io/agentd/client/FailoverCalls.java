package io.agentd.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import io.agentd.client.api.ErrorBody;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How {@link AgentdClient} carries one call: the endpoint to start at, failing over between
 * endpoints, retries with backoff within the deadline, the Idempotency-Key of a write, and the
 * reading of answers and error answers (the rules are on {@link AgentdClient}). Thread-safe.
 */
final class FailoverCalls {
  private static final String REVISION_HEADER = "X-Agentd-Revision";
  private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(1);

  private final List<URI> endpoints;
  private final String token;
  private final Duration requestTimeout;
  private final Duration deadline;
  private final int maxAttempts;
  private final HttpTransport http;
  private final AtomicInteger preferred = new AtomicInteger();

  FailoverCalls(List<URI> endpoints, String token, Duration requestTimeout, Duration deadline, int maxAttempts,
      HttpTransport http) {
    this.endpoints = endpoints;
    this.token = token;
    this.requestTimeout = requestTimeout;
    this.deadline = deadline;
    this.maxAttempts = maxAttempts;
    this.http = http;
  }

  /**
   * Built on first use: a call whose answer has a {@link StreamedType} and no request body does
   * not pay for databind.
   */
  private static final class Json {
    // Unknown fields are skipped: the server may add fields, never rename them.
    static final ObjectMapper MAPPER = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  }

  URI preferredEndpoint() {
    return endpoints.get(preferred.get());
  }

  void prefer(URI endpoint) {
    int i = endpoints.indexOf(endpoint);
    if (i >= 0) {
      preferred.set(i);
    }
  }

  /** One call, with failover and retries; throws AgentdException for an error answer or when none came in time. */
  <T> ApiReply<T> send(ApiRequest<T> request) {
    String idempotencyKey = request.isWrite()
        ? request.idempotencyKey().orElseGet(() -> UUID.randomUUID().toString())
        : null;
    // A call that may have reached the server is repeated only when the server dedups it.
    boolean repeatable = !request.isWrite() || idempotencyKey != null;
    byte[] body = request.body().map(this::toJson).orElse(null);
    Duration attemptTimeout = requestTimeout.plus(request.serverWait());
    long deadlineNanos = System.nanoTime() + saturatedNanos(deadline.plus(request.serverWait()));

    Map<URI, String> failures = new LinkedHashMap<>();
    AgentdException last = null;
    Map<URI, String> tlsFailures = new LinkedHashMap<>();
    int index = preferred.get();
    int moves = 0;
    // What the last answer's Retry-After asked for: wait that long (instead of the backoff), then
    // try the same endpoint again (429) or the next one (503).
    Duration advised = null;
    boolean stay = false;
    for (int attempt = 0; attempt < maxAttempts; attempt++) {
      if (attempt > 0) {
        if (advised != null) {
          pause(advised, deadlineNanos);
        }
        if (!stay) {
          index = (index + 1) % endpoints.size();
          moves++;
          if (advised == null && moves % endpoints.size() == 0) {
            pause(backoff(moves / endpoints.size()), deadlineNanos);
          }
        }
        advised = null;
        stay = false;
      }
      long remaining = deadlineNanos - System.nanoTime();
      if (remaining <= 0) {
        break;
      }
      URI endpoint = endpoints.get(index);
      if (tlsFailures.containsKey(endpoint)) {
        continue;
      }
      Duration timeout = min(attemptTimeout, Duration.ofNanos(remaining));
      HttpTransport.Response response;
      try {
        response = http.exchange(request.method(), URI.create(endpoint + request.pathAndQuery()),
            headers(idempotencyKey, body != null), body, timeout);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AgentdException(0, AgentdException.INTERRUPTED, "interrupted during " + request, e);
      } catch (HttpTransport.TransportException e) {
        if (e.kind() == HttpTransport.TransportException.Kind.TLS) {
          // Nothing was acted on, and this endpoint will refuse again: try the others once each.
          tlsFailures.put(endpoint, e.getMessage());
          failures.put(endpoint, e.getMessage());
          if (tlsFailures.size() == endpoints.size()) {
            throw tlsFailure(request, tlsFailures, e);
          }
          continue;
        }
        AgentdException failure = transportFailure(request, endpoint, e);
        failures.put(endpoint, e.getMessage());
        // The next call starts elsewhere: a frozen server (it accepts connections, never answers)
        // must not cost every later call a whole attempt timeout before it tries the others.
        preferred.compareAndSet(index, (index + 1) % endpoints.size());
        if (e.kind() != HttpTransport.TransportException.Kind.NOT_SENT && !repeatable) {
          throw failure;
        }
        last = failure;
        continue;
      }
      int status = response.status();
      if (status / 100 == 2) {
        preferred.set(index);
        return reply(request, response);
      }
      Duration retryAfter = response.header("Retry-After").flatMap(FailoverCalls::parseRetryAfter).orElse(null);
      AgentdException error = errorAnswer(status, response.body(), retryAfter, endpoint);
      if (status == 429 && retryAfter != null) {
        // Refused before anything was done: repeating it is safe, a write too. Wait as asked when
        // the deadline allows, else say so now rather than sleep for nothing.
        preferred.set(index);
        if (attempt + 1 >= maxAttempts || System.nanoTime() + retryAfter.toNanos() >= deadlineNanos) {
          throw error;
        }
        advised = retryAfter;
        stay = true;
        last = error;
        continue;
      }
      if (status != 503) {
        preferred.set(index);
        throw error;
      }
      if (retryAfter != null && System.nanoTime() + retryAfter.toNanos() < deadlineNanos) {
        advised = retryAfter;
      }
      failures.put(endpoint, "503 " + error.getMessage());
      last = error;
    }
    if (!tlsFailures.isEmpty() && (last == null || last.status() == 0)) {
      throw tlsFailure(request, failures, null);
    }
    throw exhausted(request, last, failures);
  }

  private static AgentdException tlsFailure(ApiRequest<?> request, Map<URI, String> failures, Throwable cause) {
    List<String> tried = new ArrayList<>();
    failures.forEach((endpoint, failure) -> tried.add(failures.size() == 1 ? failure : endpoint + ": " + failure));
    return new AgentdException(0, AgentdException.TLS_FAILED, String.join("; ", tried) + " [" + request + "]",
        cause);
  }

  private Map<String, String> headers(String idempotencyKey, boolean hasBody) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Accept", "application/json");
    if (token != null) {
      headers.put("Authorization", "Bearer " + token);
    }
    if (idempotencyKey != null) {
      headers.put("Idempotency-Key", idempotencyKey);
    }
    if (hasBody) {
      headers.put("Content-Type", "application/json");
    }
    return headers;
  }

  private <T> ApiReply<T> reply(ApiRequest<T> request, HttpTransport.Response response) {
    int status = response.status();
    long revision = response.header(REVISION_HEADER).map(FailoverCalls::parseRevision).orElse(0L);
    if (request.answerType().getType() == byte[].class) { // a file, such as a backup: as it came
      @SuppressWarnings("unchecked")
      T bytes = (T) response.body();
      return new ApiReply<>(status, bytes, NullNode.getInstance(), revision, null);
    }
    byte[] body = response.body();
    String continueToken = response.header("X-Agentd-Continue").orElse(null);
    if (request.answerType() instanceof StreamedType<T> streamed) {
      T value = null;
      boolean decoded = body.length == 0;
      if (!decoded) {
        try {
          value = StreamDecoders.decode(body, streamed.decoder());
          decoded = true;
        } catch (IOException | RuntimeException e) {
          // Not a shape the decoder takes on itself: databind reads it below, as it always did.
        }
      }
      if (decoded) {
        return ApiReply.readingTreeLater(status, value, revision, continueToken, () -> tree(request, status, body));
      }
    }
    JsonNode json = tree(request, status, body);
    try {
      T value = json.isNull() ? null : Json.MAPPER.readerFor(request.answerType()).readValue(json);
      return new ApiReply<>(status, value, json, revision, continueToken);
    } catch (IOException | IllegalArgumentException e) {
      throw unreadable(request, status, e);
    }
  }

  private static JsonNode tree(ApiRequest<?> request, int status, byte[] body) {
    try {
      return body.length == 0 ? NullNode.getInstance() : Json.MAPPER.readTree(body);
    } catch (IOException e) {
      throw unreadable(request, status, e);
    }
  }

  private static AgentdException unreadable(ApiRequest<?> request, int status, Exception e) {
    return new AgentdException(status, AgentdException.INTERNAL,
        "unreadable answer to " + request + ": " + e.getMessage(), e);
  }

  /** Reads an error answer; one without the API's error body gets the code of its status. */
  private AgentdException errorAnswer(int status, byte[] body, Duration retryAfter, URI endpoint) {
    try {
      ErrorBody error = errorBody(body);
      if (error != null && error.error() != null && error.error().code() != null) {
        return new AgentdException(status, error.error().code(), error.error().message(), null, retryAfter,
            endpoint);
      }
    } catch (IOException e) {
      // Not the API's error body, e.g. from a proxy: fall through.
    }
    String text = new String(body, StandardCharsets.UTF_8).strip();
    String message = "HTTP " + status + (text.isEmpty() ? "" : ": " + abbreviate(text, 200));
    return new AgentdException(status, AgentdException.codeForStatus(status), message, null, retryAfter, endpoint);
  }

  /**
   * A Retry-After header: whole seconds (the API's form) or an HTTP date; empty when it is neither.
   * Capped at an hour: a longer wait is no advice a call can follow.
   */
  static java.util.Optional<Duration> parseRetryAfter(String header) {
    String v = header.strip();
    Duration d;
    try {
      d = Duration.ofSeconds(Math.max(0, Long.parseLong(v)));
    } catch (NumberFormatException e) {
      try {
        java.time.ZonedDateTime at = java.time.ZonedDateTime.parse(v, java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME);
        d = Duration.between(java.time.Instant.now(), at.toInstant());
        d = d.isNegative() ? Duration.ZERO : d;
      } catch (java.time.format.DateTimeParseException notADate) {
        return java.util.Optional.empty();
      }
    }
    return java.util.Optional.of(min(d, Duration.ofHours(1)));
  }

  private static AgentdException transportFailure(ApiRequest<?> request, URI endpoint,
      HttpTransport.TransportException e) {
    String code = e.kind() == HttpTransport.TransportException.Kind.TIMEOUT
        ? AgentdException.TIMEOUT
        : AgentdException.UNAVAILABLE;
    String what = code.equals(AgentdException.TIMEOUT) ? "no answer in time" : "cannot reach";
    return new AgentdException(0, code, what + " " + endpoint + " for " + request + ": " + e.getMessage(),
        e.getCause());
  }

  private AgentdException exhausted(ApiRequest<?> request, AgentdException last, Map<URI, String> failures) {
    if (last == null) {
      return new AgentdException(0, AgentdException.TIMEOUT, "deadline of " + deadline + " passed before "
          + request + " could be sent");
    }
    if (last.status() != 0 || last.code().equals(AgentdException.TIMEOUT)) {
      return last;
    }
    List<String> tried = new ArrayList<>();
    failures.forEach((endpoint, failure) -> tried.add(endpoint + ": " + failure));
    return new AgentdException(0, AgentdException.UNAVAILABLE,
        "no endpoint reachable for " + request + " (" + String.join("; ", tried) + ")", last.getCause());
  }

  private static void pause(Duration backoff, long deadlineNanos) {
    long nanos = Math.min(backoff.toNanos(), deadlineNanos - System.nanoTime());
    if (nanos <= 0) {
      return;
    }
    try {
      Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AgentdException(0, AgentdException.INTERRUPTED, "interrupted while waiting to retry", e);
    }
  }

  /** Doubles per full round up to a second, with jitter so clients do not retry in step. */
  private static Duration backoff(int round) {
    Duration base = FIRST_BACKOFF.multipliedBy(1L << Math.min(round - 1, 10));
    Duration capped = min(base, MAX_BACKOFF);
    return capped.plusMillis(ThreadLocalRandom.current().nextLong(capped.toMillis() / 2 + 1));
  }

  private byte[] toJson(Object body) {
    try {
      return Json.MAPPER.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write request body as JSON: " + e.getMessage(), e);
    }
  }

  /** The API's error body, on the streaming parser when it can (a CLI call's error is often its only answer). */
  private static ErrorBody errorBody(byte[] body) throws IOException {
    try {
      return StreamDecoders.decode(body, StreamDecoders::errorBody);
    } catch (IOException | RuntimeException e) {
      return Json.MAPPER.readValue(body, ErrorBody.class);
    }
  }

  private static long parseRevision(String header) {
    try {
      return Long.parseLong(header.strip());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static String abbreviate(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max) + "…";
  }

  /** Nanoseconds, capped at about 146 years so that adding them to nanoTime cannot overflow. */
  private static long saturatedNanos(Duration duration) {
    return duration.compareTo(Duration.ofDays(365L * 146)) > 0 ? Long.MAX_VALUE / 2 : duration.toNanos();
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
