package io.agentd.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import io.agentd.client.api.AgentView;
import io.agentd.client.api.ClusterStatusView;
import io.agentd.client.api.CreateNamespaceRequest;
import io.agentd.client.api.ErrorBody;
import io.agentd.client.api.EventsPage;
import io.agentd.client.api.MemberView;
import io.agentd.client.api.MetadataView;
import io.agentd.client.api.NamespaceView;
import io.agentd.client.api.QuotaView;
import io.agentd.client.api.RegisterWorkerRequest;
import io.agentd.client.api.SetMetadataRequest;
import io.agentd.client.api.SpawnRequest;
import io.agentd.client.api.StatusReport;
import io.agentd.client.api.HeartbeatView;
import io.agentd.client.api.WorkerView;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A client of the agentd HTTP/JSON API over several coordinator endpoints.
 *
 * <p><b>Failover.</b> A call starts at the endpoint that last answered and moves round robin
 * to the next one when an endpoint cannot be reached (refused, reset, no route), does not
 * answer in time, or answers {@code 503 UNAVAILABLE}; it sleeps a little after each full
 * round. It gives up after {@code maxAttempts} attempts or when its deadline passes. Any
 * other answer, in particular every 4xx, is final and never retried; so is {@code 504
 * TIMEOUT}, whose cause (no quorum) another endpoint would share.
 *
 * <p><b>Writes</b> carry an {@code Idempotency-Key} made once per call and sent again on
 * every retry, so the server applies a retried write at most once. That is what makes it
 * safe to repeat a write whose first attempt may have arrived (timeout, reset).
 *
 * <p>Every failure is an unchecked {@link AgentdException}. Instances are thread-safe; share
 * one.
 */
public final class AgentdClient {

  private static final String REVISION_HEADER = "X-Agentd-Revision";
  private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(1);

  private final List<URI> endpoints;
  private final String token;
  private final Duration requestTimeout;
  private final Duration deadline;
  private final int maxAttempts;
  private final HttpTransport http;
  private final ObjectMapper mapper;
  private final AtomicInteger preferred = new AtomicInteger();

  private AgentdClient(Builder builder) {
    this.endpoints = List.copyOf(builder.endpoints);
    this.token = builder.token;
    this.requestTimeout = builder.requestTimeout;
    this.deadline = builder.deadline != null ? builder.deadline : builder.requestTimeout.multipliedBy(3);
    this.maxAttempts = builder.maxAttempts > 0 ? builder.maxAttempts : Math.max(3, 2 * endpoints.size());
    Duration connectTimeout = builder.connectTimeout != null
        ? builder.connectTimeout
        : min(requestTimeout, Duration.ofSeconds(3));
    this.http = builder.transport == Transport.URL_CONNECTION
        ? new UrlConnectionTransport(connectTimeout)
        : new JdkHttpTransport(connectTimeout);
    // Unknown fields are skipped: the server may add fields, never rename them.
    this.mapper = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The endpoints this client uses, in the order given. */
  public List<URI> endpoints() {
    return endpoints;
  }

  /** The endpoint the next call starts at: the one that answered last (the first one at the start). */
  public URI preferredEndpoint() {
    return endpoints.get(preferred.get());
  }

  /**
   * Makes the next call start at {@code endpoint}, one of {@link #endpoints()}; anything else is
   * ignored. For a caller that knows better than this client's history where to go first, such
   * as a worker whose lease renewals (which only the leader answers) found the leader.
   */
  public void preferEndpoint(URI endpoint) {
    int i = endpoints.indexOf(endpoint);
    if (i >= 0) {
      preferred.set(i);
    }
  }

  // Namespaces

  public List<NamespaceView> listNamespaces() {
    return listNamespaces(ReadOptions.LINEARIZABLE);
  }

  public List<NamespaceView> listNamespaces(ReadOptions read) {
    return send(Api.listNamespaces().withRead(read)).value();
  }

  public NamespaceView createNamespace(CreateNamespaceRequest request) {
    return send(Api.createNamespace(request)).value();
  }

  public NamespaceView getNamespace(String namespace) {
    return getNamespace(namespace, ReadOptions.LINEARIZABLE);
  }

  public NamespaceView getNamespace(String namespace, ReadOptions read) {
    return send(Api.getNamespace(namespace).withRead(read)).value();
  }

  public NamespaceView setQuota(String namespace, QuotaView quota) {
    return send(Api.setQuota(namespace, quota)).value();
  }

  // Agents

  public AgentView spawn(String namespace, SpawnRequest request) {
    return send(Api.spawn(namespace, request)).value();
  }

  public AgentView getAgent(String namespace, String name) {
    return getAgent(namespace, name, ReadOptions.LINEARIZABLE);
  }

  public AgentView getAgent(String namespace, String name, ReadOptions read) {
    return send(Api.getAgent(namespace, name).withRead(read)).value();
  }

  /** @param namespace only this namespace, or {@code null} for all */
  public List<AgentView> listAgents(String namespace, AgentFilter filter) {
    return listAgents(namespace, filter, ReadOptions.LINEARIZABLE);
  }

  /** @param namespace only this namespace, or {@code null} for all */
  public List<AgentView> listAgents(String namespace, AgentFilter filter, ReadOptions read) {
    return send(Api.listAgents(namespace, filter).withRead(read)).value();
  }

  public AgentView stopAgent(String namespace, String name) {
    return send(Api.stopAgent(namespace, name)).value();
  }

  public AgentView deleteAgent(String namespace, String name) {
    return send(Api.deleteAgent(namespace, name)).value();
  }

  public MetadataView setMetadata(String namespace, String name, String key, SetMetadataRequest request) {
    return send(Api.setMetadata(namespace, name, key, request)).value();
  }

  public MetadataView getMetadata(String namespace, String name, String key) {
    return getMetadata(namespace, name, key, ReadOptions.LINEARIZABLE);
  }

  public MetadataView getMetadata(String namespace, String name, String key, ReadOptions read) {
    return send(Api.getMetadata(namespace, name, key).withRead(read)).value();
  }

  public AgentView reportStatus(String namespace, String name, StatusReport report) {
    return send(Api.reportStatus(namespace, name, report)).value();
  }

  // Workers

  public WorkerView registerWorker(RegisterWorkerRequest request) {
    return send(Api.registerWorker(request)).value();
  }

  /** Renews a worker's lease at the leader (another endpoint is tried when one is not the leader). */
  public HeartbeatView heartbeat(String workerId) {
    return send(Api.heartbeat(workerId)).value();
  }

  public List<WorkerView> listWorkers() {
    return listWorkers(ReadOptions.LINEARIZABLE);
  }

  public List<WorkerView> listWorkers(ReadOptions read) {
    return send(Api.listWorkers().withRead(read)).value();
  }

  public WorkerView getWorker(String id) {
    return getWorker(id, ReadOptions.LINEARIZABLE);
  }

  public WorkerView getWorker(String id, ReadOptions read) {
    return send(Api.getWorker(id).withRead(read)).value();
  }

  // Cluster

  public ClusterStatusView clusterStatus() {
    return clusterStatus(ReadOptions.LINEARIZABLE);
  }

  public ClusterStatusView clusterStatus(ReadOptions read) {
    return send(Api.clusterStatus().withRead(read)).value();
  }

  public List<MemberView> members() {
    return members(ReadOptions.LINEARIZABLE);
  }

  public List<MemberView> members(ReadOptions read) {
    return send(Api.members().withRead(read)).value();
  }

  /**
   * Events after revision {@code after}; the server holds the call up to {@code wait} until
   * one happens (the long poll to follow changes with, instead of polling).
   *
   * @param limit most events in the page, or 0 for the server's default
   */
  public EventsPage events(long after, Duration wait, int limit) {
    return send(Api.events(after, wait, limit)).value();
  }

  /**
   * Sends one call, failing over between endpoints as described on the class, and returns
   * the answer both typed and as the JSON the server sent.
   *
   * @throws AgentdException for an error answer, or when no endpoint answered in time
   */
  public <T> ApiReply<T> send(ApiRequest<T> request) {
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
    int first = preferred.get();
    for (int attempt = 0; attempt < maxAttempts; attempt++) {
      if (attempt > 0 && attempt % endpoints.size() == 0) {
        pause(backoff(attempt / endpoints.size()), deadlineNanos);
      }
      long remaining = deadlineNanos - System.nanoTime();
      if (remaining <= 0) {
        break;
      }
      int index = (first + attempt) % endpoints.size();
      URI endpoint = endpoints.get(index);
      Duration timeout = min(attemptTimeout, Duration.ofNanos(remaining));
      HttpTransport.Response response;
      try {
        response = http.exchange(request.method(), URI.create(endpoint + request.pathAndQuery()),
            headers(idempotencyKey, body != null), body, timeout);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AgentdException(0, AgentdException.INTERRUPTED, "interrupted during " + request, e);
      } catch (HttpTransport.TransportException e) {
        AgentdException failure = transportFailure(request, endpoint, e);
        failures.put(endpoint, e.getMessage());
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
      AgentdException error = errorAnswer(status, response.body());
      if (status != 503) {
        preferred.set(index);
        throw error;
      }
      failures.put(endpoint, "503 " + error.getMessage());
      last = error;
    }
    throw exhausted(request, last, failures);
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
    long revision = response.header(REVISION_HEADER).map(AgentdClient::parseRevision).orElse(0L);
    try {
      JsonNode json = response.body().length == 0 ? NullNode.getInstance() : mapper.readTree(response.body());
      T value = json.isNull() ? null : mapper.readerFor(request.answerType()).readValue(json);
      return new ApiReply<>(status, value, json, revision,
          response.header("X-Agentd-Continue").orElse(null));
    } catch (IOException | IllegalArgumentException e) {
      throw new AgentdException(status, AgentdException.INTERNAL,
          "unreadable answer to " + request + ": " + e.getMessage(), e);
    }
  }

  /** Reads an error answer; one without the API's error body gets the code of its status. */
  private AgentdException errorAnswer(int status, byte[] body) {
    try {
      ErrorBody error = mapper.readValue(body, ErrorBody.class);
      if (error != null && error.error() != null && error.error().code() != null) {
        return new AgentdException(status, error.error().code(), error.error().message());
      }
    } catch (IOException e) {
      // Not the API's error body, e.g. from a proxy: fall through.
    }
    String text = new String(body, StandardCharsets.UTF_8).strip();
    String message = "HTTP " + status + (text.isEmpty() ? "" : ": " + abbreviate(text, 200));
    return new AgentdException(status, AgentdException.codeForStatus(status), message);
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
      return mapper.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write request body as JSON: " + e.getMessage(), e);
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

  /** How a client carries its calls; the API and the retry rules are the same with either. */
  public enum Transport {
    /** The JDK's HTTP client: for long-lived processes with many calls from many threads. */
    JDK_HTTP_CLIENT,
    /**
     * {@link java.net.HttpURLConnection}: starts in a tenth of the time, for short-lived
     * processes such as a CLI; its timeout bounds each read of an answer.
     */
    URL_CONNECTION
  }

  /** Builds an {@link AgentdClient}; only the endpoints are required. */
  public static final class Builder {

    private final List<URI> endpoints = new ArrayList<>();
    private String token;
    private Duration requestTimeout = Duration.ofSeconds(10);
    private Duration deadline;
    private Duration connectTimeout;
    private int maxAttempts;
    private Transport transport = Transport.JDK_HTTP_CLIENT;

    private Builder() {}

    /** Adds endpoints such as {@code http://127.0.0.1:7420}; see {@link Endpoints}. */
    public Builder endpoints(List<URI> uris) {
      for (URI uri : uris) {
        endpoints.add(Endpoints.parseOne(uri.toString()));
      }
      return this;
    }

    public Builder endpoint(URI uri) {
      return endpoints(List.of(uri));
    }

    /** Adds comma-separated endpoints; {@code host:port} means {@code http://host:port}. */
    public Builder endpoints(String commaSeparated) {
      endpoints.addAll(Endpoints.parse(commaSeparated));
      return this;
    }

    /** Bearer token sent with every call, or {@code null} for none. */
    public Builder token(String token) {
      this.token = token == null || token.isBlank() ? null : token;
      return this;
    }

    /** Longest wait for one attempt's answer (plus the server-side wait of a long poll); default 10s. */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = positive(timeout, "request timeout");
      return this;
    }

    /** Longest time for one call, retries included (plus its server-side wait); default 3 × request timeout. */
    public Builder deadline(Duration deadline) {
      this.deadline = positive(deadline, "deadline");
      return this;
    }

    /** Longest wait for a TCP connection; default the request timeout, at most 3s. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connect timeout");
      return this;
    }

    /** Most attempts of one call over all endpoints; default twice the endpoints, at least 3. */
    public Builder maxAttempts(int attempts) {
      if (attempts < 1) {
        throw new IllegalArgumentException("max attempts must be at least 1: " + attempts);
      }
      this.maxAttempts = attempts;
      return this;
    }

    /** How calls are carried; default {@link Transport#JDK_HTTP_CLIENT}. */
    public Builder transport(Transport transport) {
      this.transport = Objects.requireNonNull(transport, "transport");
      return this;
    }

    public AgentdClient build() {
      if (endpoints.isEmpty()) {
        throw new IllegalStateException("no endpoint given");
      }
      return new AgentdClient(this);
    }

    private static Duration positive(Duration duration, String what) {
      Objects.requireNonNull(duration, what);
      if (duration.isZero() || duration.isNegative()) {
        throw new IllegalArgumentException(what + " must be positive: " + duration);
      }
      return duration;
    }
  }
}
