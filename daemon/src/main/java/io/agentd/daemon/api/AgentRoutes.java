package io.agentd.daemon.api;

import io.agentd.client.api.CheckpointRequest;
import io.agentd.client.api.CheckpointView;
import io.agentd.client.api.ErrorDetail;
import io.agentd.client.api.HealthReport;
import io.agentd.client.api.MetadataView;
import io.agentd.client.api.MigrateRequest;
import io.agentd.client.api.SetMetadataRequest;
import io.agentd.client.api.SpawnBatchItemView;
import io.agentd.client.api.SpawnBatchRequest;
import io.agentd.client.api.SpawnBatchView;
import io.agentd.client.api.SpawnRequest;
import io.agentd.client.api.StatusReport;
import io.agentd.daemon.coordinator.AgentService;
import io.agentd.daemon.coordinator.Forbidden;
import io.agentd.daemon.coordinator.Principal;
import io.agentd.statemachine.ClusterState;
import io.agentd.statemachine.Names;
import io.agentd.statemachine.command.Reply;
import io.agentd.statemachine.model.Agent;
import io.agentd.statemachine.model.AgentKey;
import io.agentd.statemachine.model.AgentState;
import io.agentd.statemachine.model.MetadataEntry;
import io.agentd.statemachine.model.Role;
import io.agentd.statemachine.model.WireEnum;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Predicate;

/** {@code /v1/agents} and {@code /v1/namespaces/{ns}/agents/...}: agents, their metadata, reports and checkpoints. */
final class AgentRoutes {
    static final int MAX_LIST = 100_000;
    static final String CONTINUE_HEADER = "X-Agentd-Continue";

    private final AgentService agents;
    private final Reads reads;
    private final Writes writes;

    AgentRoutes(AgentService agents, Reads reads, Writes writes) {
        this.agents = agents;
        this.reads = reads;
        this.writes = writes;
    }

    void register(Router r) {
        Guard operates = Guard.operates(NS);
        Guard reader = Guard.reads(NS);
        // Workers read the agents assigned to them, and save and fetch their checkpoints.
        Guard readsOrWorker = reader.or(Guard.workerRole());
        r.get("/v1/agents", LIST, q -> list(q, q.query("namespace")));
        r.get("/v1/namespaces/{ns}/agents", LIST, q -> list(q, q.param("ns")));
        r.post("/v1/namespaces/{ns}/agents", SpawnFastPath.GUARD, q -> spawn(q, Json.read(q.body(), SpawnRequest.class)));
        r.post("/v1/namespaces/{ns}/agents:batch", operates, this::spawnBatch);
        r.get("/v1/namespaces/{ns}/agents/{name}", readsOrWorker,
                q -> reads.read(q, s -> Views.agent(s, visibleAgent(s, q))));
        r.post("/v1/namespaces/{ns}/agents/{name}/stop", operates,
                q -> writes.answer(agents.stop(q.param("ns"), q.param("name"), Writes.caller(q)), false));
        r.post("/v1/namespaces/{ns}/agents/{name}/start", operates,
                q -> writes.answer(agents.start(q.param("ns"), q.param("name"), Writes.caller(q)), false));
        r.delete("/v1/namespaces/{ns}/agents/{name}", operates,
                q -> writes.answer(agents.delete(q.param("ns"), q.param("name"), Writes.caller(q)), false));
        r.get("/v1/namespaces/{ns}/agents/{name}/metadata/{key}", reader, this::getMetadata);
        r.put("/v1/namespaces/{ns}/agents/{name}/metadata/{key}", operates, q -> writes.answer(agents.setMetadata(
                q.param("ns"), q.param("name"), q.param("key"), Json.read(q.body(), SetMetadataRequest.class),
                Writes.caller(q)), false));
        // A worker's reports: the state machine refuses one on another worker's current assignment.
        r.post("/v1/namespaces/{ns}/agents/{name}/status", Guard.workerRole(), q -> writes.answer(agents.reportStatus(
                q.param("ns"), q.param("name"), Json.read(q.body(), StatusReport.class), Writes.caller(q)), false));
        r.post("/v1/namespaces/{ns}/agents/{name}/health", Guard.workerRole(), q -> writes.answer(agents.reportHealth(
                q.param("ns"), q.param("name"), Json.read(q.body(), HealthReport.class), Writes.caller(q)), false));
        r.post("/v1/namespaces/{ns}/agents/{name}/migrate", operates, q -> {
            String to = q.body() != null && q.body().length > 0 ? Json.read(q.body(), MigrateRequest.class).to() : null;
            return writes.answer(agents.migrate(q.param("ns"), q.param("name"), to, Writes.caller(q)), false);
        });
        r.put("/v1/namespaces/{ns}/agents/{name}/checkpoint", Guard.workerRole(), q -> writes.answer(
                agents.putCheckpoint(q.param("ns"), q.param("name"), Json.read(q.body(), CheckpointRequest.class),
                        Writes.caller(q)), false));
        r.get("/v1/namespaces/{ns}/agents/{name}/checkpoint", readsOrWorker, q -> reads.read(q, s -> {
            Agent a = visibleAgent(s, q);
            if (a.checkpoint() == null) {
                throw ApiException.notFound("agent " + a.key() + " has saved no checkpoint");
            }
            return new CheckpointView(a.checkpoint(), a.checkpointRevision());
        }));
    }

    private static final Function<ApiRequest, String> NS = q -> q.param("ns");

    /**
     * Lists: readers see their namespaces; a worker sees only its own agents, and says so
     * ({@code worker=ID}).
     */
    private static final Guard LIST = (p, q) -> {
        if (p.role() == Role.WORKER) {
            Guard.allow(p.workerId() != null && p.workerId().equals(q.query("worker")), p,
                    "list agents but its own (add worker=" + p.workerId() + ")");
        } else {
            String ns = q.param("ns") != null ? q.param("ns") : q.query("namespace");
            Guard.allow(p.mayRead(ns), p, "read " + (ns == null ? "agents" : "namespace " + ns));
        }
    };

    /** The agent the path names, when the caller may see it: a worker sees only those assigned to it. */
    private static Agent visibleAgent(ClusterState s, ApiRequest q) {
        Agent a = agent(s, q);
        Principal p = q.principal();
        if (p.role() == Role.WORKER && !p.mayRead(a.namespace()) && !java.util.Objects.equals(a.worker(), p.workerId())) {
            throw new Forbidden(p + " may not read agent " + a.key() + ": it is not assigned to worker " + p.workerId());
        }
        return a;
    }

    /** A spawn whose body has been read already (by the route, or by {@link SpawnFastPath}). */
    CompletableFuture<ApiResponse> spawn(ApiRequest q, SpawnRequest body) {
        return writes.answer(agents.spawn(q.param("ns"), body, Writes.caller(q)), true);
    }

    /** Up to {@link AgentService#MAX_SPAWN_BATCH} spawns in one log entry, each answered on its own. */
    private CompletableFuture<ApiResponse> spawnBatch(ApiRequest q) {
        SpawnBatchRequest body = Json.read(q.body(), SpawnBatchRequest.class);
        List<SpawnRequest> items = body.agents();
        return agents.spawnBatch(q.param("ns"), items, Writes.caller(q)).thenApply(replies -> {
            List<SpawnBatchItemView> results = new ArrayList<>(replies.size());
            int created = 0;
            int unchanged = 0;
            int rejected = 0;
            long revision = 0;
            for (int i = 0; i < replies.size(); i++) {
                Reply reply = replies.get(i);
                String name = items.get(i).name();
                revision = Math.max(revision, reply.revision());
                if (!reply.isOk()) {
                    rejected++;
                    results.add(new SpawnBatchItemView(name, "rejected", null, null,
                            new ErrorDetail(reply.code().name(), reply.message())));
                } else {
                    Agent a = reply.bodyAs(Agent.class);
                    if (reply.created()) {
                        created++;
                    } else {
                        unchanged++;
                    }
                    results.add(new SpawnBatchItemView(name, reply.created() ? "created" : "unchanged", a.id(),
                            a.createRevision(), null));
                }
            }
            return ApiResponse.ok(new SpawnBatchView(results, created, unchanged, rejected))
                    .withHeader(Reads.REVISION_HEADER, Long.toString(revision));
        });
    }

    private CompletableFuture<ApiResponse> list(ApiRequest q, String namespace) {
        if (namespace != null) {
            Names.namespace(namespace);
        }
        String stateWord = q.query("state");
        AgentState state = null;
        if (stateWord != null) {
            state = WireEnum.fromWord(AgentState.class, stateWord);
            if (state == null) {
                throw ApiException.invalid("query parameter 'state' must be one of " + WireEnum.words(AgentState.class));
            }
        }
        String worker = q.query("worker");
        Map<String, String> labels = new TreeMap<>();
        for (String l : q.queryAll("label")) {
            int eq = l.indexOf('=');
            if (eq <= 0) {
                throw ApiException.invalid("query parameter 'label' must be KEY=VALUE, got '" + l + "'");
            }
            labels.put(l.substring(0, eq), l.substring(eq + 1));
        }
        int limit = (int) q.longQuery("limit", MAX_LIST, 1, MAX_LIST);
        AgentKey after = continueToken(q.query("continue"));
        // Only agents changed after this revision: what a worker watching its agents asks for.
        long changedAfter = q.longQuery("changedAfter", -1, 0, Long.MAX_VALUE);
        AgentState st = state;
        Principal p = q.principal();
        Predicate<Agent> filter = a -> (changedAfter < 0 || a.revision() > changedAfter)
                && (namespace != null || p.role() == Role.WORKER || p.covers(a.namespace()))
                && (st == null || a.state() == st)
                && (worker == null || worker.equals(a.worker()))
                && labels.entrySet().stream().allMatch(e -> e.getValue().equals(a.spec().labels().get(e.getKey())));
        return reads.answer(q, s -> {
            if (namespace != null && q.param("ns") != null) {
                NamespaceRoutes.namespace(s, namespace);
            }
            List<Agent> page = s.agents(namespace, after, filter, limit);
            ApiResponse r = ApiResponse.ok(page.stream().map(a -> Views.agent(s, a)).toList());
            if (page.size() == limit) {
                // A full page: there may be more; the next page starts after its last agent.
                r = r.withHeader(CONTINUE_HEADER, continueToken(page.get(page.size() - 1).key()));
            }
            return r;
        });
    }

    /** The opaque token of a list page that ends at {@code last}: base64url of NS/NAME. */
    static String continueToken(AgentKey last) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(
                (last.namespace() + "/" + last.name()).getBytes(StandardCharsets.UTF_8));
    }

    private static AgentKey continueToken(String token) {
        if (token == null) {
            return null;
        }
        try {
            String s = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            int slash = s.indexOf('/');
            AgentKey k = new AgentKey(s.substring(0, slash), s.substring(slash + 1));
            Names.namespace(k.namespace());
            Names.agentName(k.name());
            return k;
        } catch (RuntimeException e) {
            throw ApiException.invalid("query parameter 'continue' must be a token from the "
                    + CONTINUE_HEADER + " header of an earlier page, not '" + token + "'");
        }
    }

    private CompletableFuture<ApiResponse> getMetadata(ApiRequest q) {
        String key = Names.metadataKey(q.param("key"));
        return reads.read(q, s -> {
            Agent a = agent(s, q);
            MetadataEntry e = a.metadata().get(key);
            if (e == null) {
                throw ApiException.notFound("metadata key " + key + " of agent " + a.key() + " not found");
            }
            return new MetadataView(key, e.value(), e.version());
        });
    }

    /** The agent the path names; 400 for a malformed name, 404 when there is none. */
    static Agent agent(ClusterState s, ApiRequest q) {
        String ns = Names.namespace(q.param("ns"));
        String name = Names.agentName(q.param("name"));
        Agent a = s.agent(ns, name);
        if (a == null) {
            throw ApiException.notFound("agent " + ns + "/" + name + " not found");
        }
        return a;
    }
}
