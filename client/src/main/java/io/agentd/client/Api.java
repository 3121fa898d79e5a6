package io.agentd.client;

import static io.agentd.client.ApiRequest.encode;

import com.fasterxml.jackson.core.type.TypeReference;
import io.agentd.client.api.AgentView;
import io.agentd.client.api.AuditRecordView;
import io.agentd.client.api.CreateTokenRequest;
import io.agentd.client.api.CreatedTokenView;
import io.agentd.client.api.TokenView;
import io.agentd.client.api.ClusterStatusView;
import io.agentd.client.api.CreateNamespaceRequest;
import io.agentd.client.api.EventsPage;
import io.agentd.client.api.MemberView;
import io.agentd.client.api.MetadataView;
import io.agentd.client.api.NamespaceView;
import io.agentd.client.api.ProviderView;
import io.agentd.client.api.SetProviderRequest;
import io.agentd.client.api.QuotaView;
import io.agentd.client.api.RegisterWorkerRequest;
import io.agentd.client.api.SetMetadataRequest;
import io.agentd.client.api.SpawnBatchRequest;
import io.agentd.client.api.SpawnBatchView;
import io.agentd.client.api.SpawnRequest;
import io.agentd.client.api.StatusReport;
import io.agentd.client.api.CheckpointRequest;
import io.agentd.client.api.CheckpointView;
import io.agentd.client.api.DrainRequest;
import io.agentd.client.api.HeartbeatView;
import io.agentd.client.api.LogsView;
import io.agentd.client.api.MigrateRequest;
import io.agentd.client.api.WorkerView;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Every endpoint of the API v1 ({@code docs/api.md}) as an {@link ApiRequest}, ready to send. */
public final class Api {

  private static final TypeReference<NamespaceView> NAMESPACE = new TypeReference<>() {};
  private static final TypeReference<List<NamespaceView>> NAMESPACES = new TypeReference<>() {};
  // The answers agentctl prints most are read on the streaming parser (StreamedType says why).
  private static final TypeReference<AgentView> AGENT = new StreamedType<AgentView>(StreamDecoders::agent) {};
  private static final TypeReference<List<AgentView>> AGENTS =
      new StreamedType<List<AgentView>>(StreamDecoders::agents) {};
  private static final TypeReference<MetadataView> METADATA = new TypeReference<>() {};
  private static final TypeReference<WorkerView> WORKER = new TypeReference<>() {};
  private static final TypeReference<HeartbeatView> HEARTBEAT = new TypeReference<>() {};
  private static final TypeReference<CheckpointView> CHECKPOINT = new TypeReference<>() {};
  private static final TypeReference<LogsView> LOGS = new TypeReference<>() {};
  private static final TypeReference<List<WorkerView>> WORKERS = new TypeReference<>() {};
  private static final TypeReference<ClusterStatusView> CLUSTER_STATUS = new TypeReference<>() {};
  private static final TypeReference<List<MemberView>> MEMBERS = new TypeReference<>() {};
  private static final TypeReference<EventsPage> EVENTS = new TypeReference<>() {};
  private static final TypeReference<SpawnBatchView> SPAWN_BATCH = new TypeReference<>() {};
  private static final TypeReference<CreatedTokenView> CREATED_TOKEN = new TypeReference<>() {};
  private static final TypeReference<TokenView> TOKEN = new TypeReference<>() {};
  private static final TypeReference<List<TokenView>> TOKENS = new TypeReference<>() {};
  private static final TypeReference<List<AuditRecordView>> AUDIT = new TypeReference<>() {};
  private static final TypeReference<ProviderView> PROVIDER = new TypeReference<>() {};
  private static final TypeReference<List<ProviderView>> PROVIDERS = new TypeReference<>() {};
  private static final TypeReference<io.agentd.client.api.ProviderSharesView> PROVIDER_SHARES =
      new TypeReference<>() {};

  /** Agents one batch spawn may carry at most. */
  public static final int MAX_SPAWN_BATCH = 1000;

  private Api() {}

  // Namespaces

  public static ApiRequest<List<NamespaceView>> listNamespaces() {
    return ApiRequest.get("/v1/namespaces", NAMESPACES);
  }

  /** {@code 201} when created; {@code 409 ALREADY_EXISTS} when the name is taken. */
  public static ApiRequest<NamespaceView> createNamespace(CreateNamespaceRequest request) {
    return ApiRequest.write("POST", "/v1/namespaces", request, NAMESPACE);
  }

  public static ApiRequest<NamespaceView> getNamespace(String namespace) {
    return ApiRequest.get(namespacePath(namespace), NAMESPACE);
  }

  /** Replaces both limits; a {@code null} limit is unlimited. */
  public static ApiRequest<NamespaceView> setQuota(String namespace, QuotaView quota) {
    return ApiRequest.write("PUT", namespacePath(namespace) + "/quota", quota, NAMESPACE);
  }

  // Providers (cluster feature level 3)

  /** Every provider, by name. */
  public static ApiRequest<List<ProviderView>> listProviders() {
    return ApiRequest.get("/v1/providers", PROVIDERS);
  }

  public static ApiRequest<ProviderView> getProvider(String name) {
    return ApiRequest.get(providerPath(name), PROVIDER);
  }

  /** Creates the provider ({@code 201}) or replaces its whole definition ({@code 200}). */
  public static ApiRequest<ProviderView> setProvider(String name, SetProviderRequest request) {
    return ApiRequest.write("PUT", providerPath(name), request, PROVIDER);
  }

  /**
   * The leader's division of the provider's limits among the workers (its soft state: only the
   * leader answers, the others {@code 503}, and the client moves on to it).
   */
  public static ApiRequest<io.agentd.client.api.ProviderSharesView> providerShares(String name) {
    return ApiRequest.get(providerPath(name) + "/grants", PROVIDER_SHARES);
  }

  /** Answers the provider as it was; {@code 404 NOT_FOUND} when there is none. */
  public static ApiRequest<ProviderView> deleteProvider(String name) {
    return ApiRequest.write("DELETE", providerPath(name), null, PROVIDER);
  }

  private static String providerPath(String name) {
    return "/v1/providers/" + encode(name);
  }

  // Agents

  /**
   * Lists agents sorted by namespace and name.
   *
   * @param namespace only this namespace, or {@code null} for all namespaces
   */
  public static ApiRequest<List<AgentView>> listAgents(String namespace, AgentFilter filter) {
    ApiRequest<List<AgentView>> request = namespace == null
        ? ApiRequest.get("/v1/agents", AGENTS)
        : ApiRequest.get(namespacePath(namespace) + "/agents", AGENTS);
    request = request.param("state", filter.state()).param("worker", filter.worker());
    for (Map.Entry<String, String> label : filter.labels().entrySet()) {
      request = request.param("label", label.getKey() + "=" + label.getValue());
    }
    return request;
  }

  /**
   * One page of {@link #listAgents(String, AgentFilter)}: at most {@code limit} agents after the
   * page whose {@code X-Agentd-Continue} header gave {@code continueToken} ({@code null}: the
   * first page). A full page answers that header; the next page asks with it.
   */
  public static ApiRequest<List<AgentView>> listAgents(String namespace, AgentFilter filter, int limit,
      String continueToken) {
    return listAgents(namespace, filter).param("limit", limit).param("continue", continueToken);
  }

  /**
   * As {@link #listAgents}, only the agents that changed after {@code revision} (whose
   * {@code revision} is greater). With a blocking read from the revision of the last answer, this
   * follows changes at the cost of what changed; an agent that stops matching the filter (say,
   * moves to another worker) is not in the answer.
   */
  public static ApiRequest<List<AgentView>> listAgentsChangedAfter(String namespace, AgentFilter filter,
                                                                  long revision) {
    if (revision < 0) {
      throw new IllegalArgumentException("revision must be >= 0, got " + revision);
    }
    return listAgents(namespace, filter).param("changedAfter", revision);
  }

  /** One page (as {@link #listAgents(String, AgentFilter, int, String)}) of the agents changed after {@code revision}. */
  public static ApiRequest<List<AgentView>> listAgentsChangedAfter(String namespace, AgentFilter filter,
                                                                  long revision, int limit, String continueToken) {
    return listAgentsChangedAfter(namespace, filter, revision).param("limit", limit).param("continue", continueToken);
  }

  /**
   * {@code 201} when created, {@code 200} when the same agent exists with the same spec,
   * {@code 409 ALREADY_EXISTS} when the spec differs, {@code 403 QUOTA_EXCEEDED}.
   */
  public static ApiRequest<AgentView> spawn(String namespace, SpawnRequest request) {
    return ApiRequest.write("POST", namespacePath(namespace) + "/agents", request, AGENT);
  }

  /**
   * Spawns up to {@link #MAX_SPAWN_BATCH} agents in one log entry: {@code 200} with one result
   * per agent (created, unchanged or rejected with its code); {@code 400} and nothing spawned
   * when any item is malformed. Each agent is decided on its own (quota, name taken).
   */
  public static ApiRequest<SpawnBatchView> spawnBatch(String namespace, SpawnBatchRequest request) {
    return ApiRequest.write("POST", namespacePath(namespace) + "/agents:batch", request, SPAWN_BATCH);
  }

  public static ApiRequest<AgentView> getAgent(String namespace, String name) {
    return ApiRequest.get(agentPath(namespace, name), AGENT);
  }

  public static ApiRequest<AgentView> stopAgent(String namespace, String name) {
    return ApiRequest.write("POST", agentPath(namespace, name) + "/stop", null, AGENT);
  }

  /**
   * Runs a stopped or failed agent again with its spec and metadata (cluster feature level 2 on;
   * a 409 FAILED_PRECONDITION before it).
   */
  public static ApiRequest<AgentView> startAgent(String namespace, String name) {
    return ApiRequest.write("POST", agentPath(namespace, name) + "/start", null, AGENT);
  }

  /** Answers the agent as it was; an assigned agent is stopped first and removed afterwards. */
  public static ApiRequest<AgentView> deleteAgent(String namespace, String name) {
    return ApiRequest.write("DELETE", agentPath(namespace, name), null, AGENT);
  }

  public static ApiRequest<MetadataView> getMetadata(String namespace, String name, String key) {
    return ApiRequest.get(metadataPath(namespace, name, key), METADATA);
  }

  /** {@code 409 VERSION_MISMATCH} when {@code ifVersion} is set and differs. */
  public static ApiRequest<MetadataView> setMetadata(
      String namespace, String name, String key, SetMetadataRequest request) {
    return ApiRequest.write("PUT", metadataPath(namespace, name, key), request, METADATA);
  }

  /** For workers; {@code 409 FAILED_PRECONDITION} for a stale fencing token. */
  public static ApiRequest<AgentView> reportStatus(String namespace, String name, StatusReport report) {
    return ApiRequest.write("POST", agentPath(namespace, name) + "/status", report, AGENT);
  }

  // Workers

  public static ApiRequest<List<WorkerView>> listWorkers() {
    return ApiRequest.get("/v1/workers", WORKERS);
  }

  /** {@code 201} when new, {@code 200} when an existing worker was updated. */
  public static ApiRequest<WorkerView> registerWorker(RegisterWorkerRequest request) {
    return ApiRequest.write("POST", "/v1/workers", request, WORKER);
  }

  /** Moves an agent to another worker, two-phase with checkpoint handoff. */
  public static ApiRequest<AgentView> migrate(String namespace, String name, MigrateRequest request) {
    return ApiRequest.write("POST", agentPath(namespace, name) + "/migrate", request, AGENT);
  }

  /** Saves an agent's checkpoint, fenced by its token (workers). */
  public static ApiRequest<AgentView> putCheckpoint(String namespace, String name, CheckpointRequest request) {
    return ApiRequest.write("PUT", agentPath(namespace, name) + "/checkpoint", request, AGENT);
  }

  /** The last {@code tail} lines of an agent's output, fetched from its worker. */
  public static ApiRequest<LogsView> logs(String namespace, String name, int tail) {
    return ApiRequest.get(agentPath(namespace, name) + "/logs", LOGS).param("tail", tail);
  }

  /** What a running agent says about itself, on its behalf (workers). */
  public static ApiRequest<AgentView> reportHealth(String namespace, String name, io.agentd.client.api.HealthReport report) {
    return ApiRequest.write("POST", agentPath(namespace, name) + "/health", report, AGENT);
  }

  /** The lines of an agent's output written after {@code cursor} (from an earlier {@link LogsView}). */
  public static ApiRequest<LogsView> logsAfter(String namespace, String name, String cursor, int tail) {
    return ApiRequest.get(agentPath(namespace, name) + "/logs", LOGS).param("tail", tail).param("cursor", cursor);
  }

  public static ApiRequest<CheckpointView> getCheckpoint(String namespace, String name) {
    return ApiRequest.get(agentPath(namespace, name) + "/checkpoint", CHECKPOINT);
  }

  /** Stops new placements on a worker and moves its agents off. */
  public static ApiRequest<WorkerView> drainWorker(String id, DrainRequest request) {
    return ApiRequest.write("POST", "/v1/workers/" + encode(id) + "/drain", request, WORKER);
  }

  public static ApiRequest<WorkerView> undrainWorker(String id) {
    return ApiRequest.write("POST", "/v1/workers/" + encode(id) + "/undrain", java.util.Map.of(), WORKER);
  }

  /** Renews the worker's lease; only the leader answers 200 (followers answer 503). */
  public static ApiRequest<HeartbeatView> heartbeat(String workerId) {
    return ApiRequest.write("POST", "/v1/workers/" + encode(workerId) + "/heartbeat", java.util.Map.of(), HEARTBEAT);
  }

  /** As {@link #heartbeat(String)}, reporting what the worker's agents ask of providers; the answer has the grants. */
  public static ApiRequest<HeartbeatView> heartbeat(String workerId, io.agentd.client.api.HeartbeatRequest request) {
    if (request.providers().isEmpty()) {
      return heartbeat(workerId);
    }
    return ApiRequest.write("POST", "/v1/workers/" + encode(workerId) + "/heartbeat", request, HEARTBEAT);
  }

  public static ApiRequest<WorkerView> getWorker(String id) {
    return ApiRequest.get("/v1/workers/" + encode(id), WORKER);
  }

  // Cluster

  public static ApiRequest<ClusterStatusView> clusterStatus() {
    return ApiRequest.get("/v1/cluster/status", CLUSTER_STATUS);
  }

  public static ApiRequest<List<MemberView>> members() {
    return ApiRequest.get("/v1/cluster/members", MEMBERS);
  }

  /** Every member's view and the problems among them ({@code healthy}, {@code members}, {@code problems}). */
  public static ApiRequest<com.fasterxml.jackson.databind.JsonNode> clusterHealth() {
    return ApiRequest.get("/v1/cluster/health", new TypeReference<com.fasterxml.jackson.databind.JsonNode>() {});
  }

  /** Moves leadership to {@code member}, or to any member fit to lead when null (admin). */
  public static ApiRequest<com.fasterxml.jackson.databind.JsonNode> transferLeader(String member) {
    return ApiRequest.write("POST", "/v1/cluster/leader",
        member == null ? java.util.Map.of() : java.util.Map.of("to", member),
        new TypeReference<com.fasterxml.jackson.databind.JsonNode>() {});
  }

  /** Adds a member as a learner; the leader makes it a voter once it has caught up (admin). */
  public static ApiRequest<com.fasterxml.jackson.databind.JsonNode> addMember(String member, String raftAddress,
      String httpAddress) {
    return ApiRequest.write("POST", "/v1/cluster/members",
        java.util.Map.of("id", member, "raftAddress", raftAddress, "httpAddress", httpAddress),
        new TypeReference<com.fasterxml.jackson.databind.JsonNode>() {});
  }

  /** Removes a member from the Raft group, moving leadership off it first (admin). */
  public static ApiRequest<com.fasterxml.jackson.databind.JsonNode> removeMember(String member) {
    return ApiRequest.write("DELETE", "/v1/cluster/members/" + encode(member), null,
        new TypeReference<com.fasterxml.jackson.databind.JsonNode>() {});
  }

  /**
   * Raises the cluster's feature level to {@code level} once every member supports it (admin):
   * {@code featureLevel}, {@code previous}, {@code members}; 409 naming a member that does not.
   */
  public static ApiRequest<com.fasterxml.jackson.databind.JsonNode> clusterUpgrade(int level) {
    return ApiRequest.write("POST", "/v1/cluster/feature-level", java.util.Map.of("level", level),
        new TypeReference<com.fasterxml.jackson.databind.JsonNode>() {});
  }

  /**
   * Every member's state digest at one log index (admin): {@code agree}, {@code index},
   * {@code members} (id, digest, or why none), {@code differing} (members whose digest is not the
   * majority's), {@code unanswered}.
   */
  public static ApiRequest<com.fasterxml.jackson.databind.JsonNode> clusterCheck() {
    return ApiRequest.write("POST", "/v1/cluster/check", null,
        new TypeReference<com.fasterxml.jackson.databind.JsonNode>() {});
  }

  /** A backup of the registry: the bytes of a snapshot file (admin). */
  public static ApiRequest<byte[]> snapshot() {
    return ApiRequest.get("/v1/cluster/snapshot", new TypeReference<byte[]>() {});
  }

  /**
   * Events after revision {@code after}, waiting up to {@code wait} for one to happen.
   *
   * @param wait how long the server may wait for an event; zero answers at once
   * @param limit most events in the answer, or 0 for the server's default
   */
  public static ApiRequest<EventsPage> events(long after, Duration wait, int limit) {
    ApiRequest<EventsPage> request = ApiRequest.get("/v1/events", EVENTS).param("after", after);
    if (!wait.isZero()) {
      request = request.waiting(wait);
    }
    return limit > 0 ? request.param("limit", limit) : request;
  }

  /**
   * The newest {@code n} retained events, answered at once; their page's {@code revision} is where
   * a reader that follows them goes on ({@link #events} after it).
   */
  public static ApiRequest<EventsPage> lastEvents(int n) {
    return ApiRequest.get("/v1/events", EVENTS).param("last", n);
  }

  // Tokens and the audit trail

  /** A new token and its secret, shown this once ({@code 201}); admins only. */
  public static ApiRequest<CreatedTokenView> createToken(CreateTokenRequest request) {
    return ApiRequest.write("POST", "/v1/tokens", request, CREATED_TOKEN);
  }

  /** The tokens, oldest first; revoked ones too when {@code all}. */
  public static ApiRequest<List<TokenView>> listTokens(boolean all) {
    return ApiRequest.get("/v1/tokens", TOKENS).param("all", all ? "true" : null);
  }

  public static ApiRequest<TokenView> getToken(String id) {
    return ApiRequest.get("/v1/tokens/" + encode(id), TOKEN);
  }

  /** The caller's own token. */
  public static ApiRequest<TokenView> whoami() {
    return ApiRequest.get("/v1/tokens/self", TOKEN);
  }

  /** Revokes a token: it stops working on every server once they have applied this. */
  public static ApiRequest<TokenView> revokeToken(String id) {
    return ApiRequest.write("DELETE", "/v1/tokens/" + encode(id), null, TOKEN);
  }

  /**
   * The last {@code limit} audit records that match, oldest first; null filters match all. Admins
   * only.
   *
   * @param since a duration back from now ({@code 1h}) or an RFC 3339 time, or null
   * @param after only records after this revision (0: all)
   */
  public static ApiRequest<List<AuditRecordView>> audit(String since, long after, String actor, String namespace,
                                                        String command, int limit) {
    return ApiRequest.get("/v1/audit", AUDIT).param("since", since).param("after", after > 0 ? after : null)
        .param("actor", actor)
        .param("namespace", namespace).param("command", command).param("limit", limit > 0 ? limit : null);
  }

  private static String namespacePath(String namespace) {
    return "/v1/namespaces/" + encode(namespace);
  }

  private static String agentPath(String namespace, String name) {
    return namespacePath(namespace) + "/agents/" + encode(name);
  }

  private static String metadataPath(String namespace, String name, String key) {
    return agentPath(namespace, name) + "/metadata/" + encode(key);
  }
}
