package io.agentd.client;

import io.agentd.client.api.AgentView;
import io.agentd.client.api.ClusterStatusView;
import io.agentd.client.api.CreateNamespaceRequest;
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
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLContext;

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
 * <p><b>Overload.</b> {@code 429 TOO_MANY_REQUESTS} means the server did nothing with the call (a
 * bound of its own, or the token's rate): when it carries {@code Retry-After}, the call waits that
 * long and is sent again to the same endpoint (a write with the same key), as long as attempts are
 * left and the wait ends before the deadline; otherwise it fails at once, and {@link
 * AgentdException#retryAfter()} says when to try again. A {@code 503} with {@code Retry-After}
 * waits that long instead of the backoff before the next endpoint. {@code 507
 * INSUFFICIENT_STORAGE} (a server low on disk) is final.
 *
 * <p><b>Writes</b> carry an {@code Idempotency-Key} made once per call and sent again on
 * every retry, so the server applies a retried write at most once. That is what makes it
 * safe to repeat a write whose first attempt may have arrived (timeout, reset).
 *
 * <p><b>TLS.</b> {@code https://} endpoints are checked against the JDK's CAs, or those of
 * {@link Builder#trustedCa}; a server that asks for a client certificate gets the one of
 * {@link Builder#clientCertificate}. A failed handshake is never retried at the same endpoint: when
 * every endpoint failed so, the call fails with {@link AgentdException#TLS_FAILED}.
 *
 * <p>Every failure is an unchecked {@link AgentdException}. Instances are thread-safe; share
 * one.
 */
public final class AgentdClient {

  private final List<URI> endpoints;
  private final FailoverCalls calls;

  private AgentdClient(Builder builder) {
    this.endpoints = List.copyOf(builder.endpoints);
    Duration requestTimeout = builder.requestTimeout;
    Duration deadline = builder.deadline != null ? builder.deadline : requestTimeout.multipliedBy(3);
    int maxAttempts = builder.maxAttempts > 0 ? builder.maxAttempts : Math.max(3, 2 * endpoints.size());
    Duration connectTimeout = builder.connectTimeout != null ? builder.connectTimeout
        : (requestTimeout.compareTo(Duration.ofSeconds(3)) <= 0 ? requestTimeout : Duration.ofSeconds(3));
    SSLContext tls = builder.sslContext != null ? builder.sslContext
        : builder.trustedCa != null || builder.certificate != null
            ? ClientTls.sslContext(builder.trustedCa, builder.certificate, builder.key) : null;
    HttpTransport http = builder.transport == Transport.URL_CONNECTION
        ? new UrlConnectionTransport(connectTimeout, tls)
        : new JdkHttpTransport(connectTimeout, tls);
    this.calls = new FailoverCalls(endpoints, builder.token, requestTimeout, deadline, maxAttempts, http);
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
    return calls.preferredEndpoint();
  }

  /**
   * Makes the next call start at {@code endpoint}, one of {@link #endpoints()}; anything else is
   * ignored. For a caller that knows better than this client's history where to go first, such
   * as a worker whose lease renewals (which only the leader answers) found the leader.
   */
  public void preferEndpoint(URI endpoint) {
    calls.prefer(endpoint);
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

  /** As {@link #heartbeat(String)}, reporting provider demand; the answer carries the worker's grants. */
  public HeartbeatView heartbeat(String workerId, io.agentd.client.api.HeartbeatRequest request) {
    return send(Api.heartbeat(workerId, request)).value();
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
    return calls.send(request);
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
    private Path trustedCa;
    private Path certificate;
    private Path key;
    private SSLContext sslContext;

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

    /**
     * Trusts the CA certificates in this PEM file for {@code https://} endpoints, instead of the
     * JDK's default ones (a cluster's own CA, such as the {@code ca.pem} of {@code agentd tls init}).
     */
    public Builder trustedCa(Path caPem) {
      this.trustedCa = Objects.requireNonNull(caPem, "caPem");
      return this;
    }

    /** Shows this certificate (PEM, the chain) and key (PEM, unencrypted) to servers that ask for one (mutual TLS). */
    public Builder clientCertificate(Path certPem, Path keyPem) {
      this.certificate = Objects.requireNonNull(certPem, "certPem");
      this.key = Objects.requireNonNull(keyPem, "keyPem");
      return this;
    }

    /** A TLS context of the caller's own; it replaces {@link #trustedCa} and {@link #clientCertificate}. */
    public Builder sslContext(SSLContext context) {
      this.sslContext = Objects.requireNonNull(context, "context");
      return this;
    }

    /**
     * @throws IllegalArgumentException when a TLS file cannot be used (the message names it)
     */
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
