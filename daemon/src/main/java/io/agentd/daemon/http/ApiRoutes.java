package io.agentd.daemon.http;

import io.agentd.client.api.CreateNamespaceRequest;
import io.agentd.client.api.EventView;
import io.agentd.client.api.EventsPage;
import io.agentd.client.api.CheckpointRequest;
import io.agentd.client.api.CheckpointView;
import io.agentd.client.api.DrainRequest;
import io.agentd.client.api.HeartbeatView;
import io.agentd.client.api.MigrateRequest;
import io.agentd.daemon.coordinator.LeaseTracker;
import io.agentd.client.api.MetadataView;
import io.agentd.client.api.QuotaView;
import io.agentd.client.api.RegisterWorkerRequest;
import io.agentd.client.api.SetMetadataRequest;
import io.agentd.client.api.SpawnBatchItemView;
import io.agentd.client.api.SpawnBatchRequest;
import io.agentd.client.api.SpawnBatchView;
import io.agentd.client.api.SpawnRequest;
import io.agentd.client.api.StatusReport;
import io.agentd.client.ApiDurations;
import io.agentd.daemon.coordinator.ClusterInfo;
import io.agentd.daemon.coordinator.Coordinator;
import io.agentd.daemon.coordinator.Views;
import io.agentd.statemachine.ClusterState;
import io.agentd.statemachine.ErrorCode;
import io.agentd.statemachine.Names;
import io.agentd.statemachine.Rejection;
import io.agentd.statemachine.command.Command;
import io.agentd.statemachine.command.Reply;
import io.agentd.statemachine.model.Agent;
import io.agentd.statemachine.model.AgentKey;
import io.agentd.statemachine.model.AgentState;
import io.agentd.statemachine.model.Event;
import io.agentd.statemachine.model.MetadataEntry;
import io.agentd.statemachine.model.Namespace;
import io.agentd.statemachine.model.WireEnum;
import io.agentd.statemachine.model.Worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The /v1 API: every route, its validation, and the mapping of replies to HTTP. Input
 * is validated here before anything is proposed, and again by the state machine.
 */
public final class ApiRoutes {
    static final Duration MAX_WAIT = Duration.ofMinutes(5);
    static final int MAX_LIST = 100_000;
    /** Agents one batch spawn may carry; keeps one entry far below the 4 MB entry limit with the body limit. */
    static final int MAX_SPAWN_BATCH = io.agentd.client.Api.MAX_SPAWN_BATCH;
    /** Longest Idempotency-Key of a batch: item ids KEY:i must fit the 64-character limit. */
    static final int MAX_BATCH_KEY = 59;
    static final String REVISION_HEADER = "X-Agentd-Revision";
    static final String CONTINUE_HEADER = "X-Agentd-Continue";

    private final Coordinator coordinator;
    private final ClusterInfo cluster;
    private final LeaseTracker leases;

    public ApiRoutes(Coordinator coordinator, ClusterInfo cluster, LeaseTracker leases) {
        this.coordinator = coordinator;
        this.cluster = cluster;
        this.leases = leases;
    }

    public Router router(Router r) {
        r.get("/v1/namespaces", q -> read(q, s -> s.namespaces().stream().map(n -> Views.namespace(s, n)).toList()));
        r.post("/v1/namespaces", this::createNamespace);
        r.get("/v1/namespaces/{ns}", q -> read(q, s -> Views.namespace(s, namespace(s, q.param("ns")))));
        r.put("/v1/namespaces/{ns}/quota", this::setQuota);
        r.get("/v1/agents", q -> listAgents(q, q.query("namespace")));
        r.get("/v1/namespaces/{ns}/agents", q -> listAgents(q, q.param("ns")));
        r.post("/v1/namespaces/{ns}/agents", this::spawn);
        r.post("/v1/namespaces/{ns}/agents:batch", this::spawnBatch);
        r.get("/v1/namespaces/{ns}/agents/{name}", q -> read(q, s -> Views.agent(s, agent(s, q))));
        r.post("/v1/namespaces/{ns}/agents/{name}/stop",
                q -> write(q, new Command.StopAgent(ns(q), name(q)), false));
        r.delete("/v1/namespaces/{ns}/agents/{name}",
                q -> write(q, new Command.DeleteAgent(ns(q), name(q)), false));
        r.get("/v1/namespaces/{ns}/agents/{name}/metadata/{key}", this::getMetadata);
        r.put("/v1/namespaces/{ns}/agents/{name}/metadata/{key}", this::setMetadata);
        r.post("/v1/namespaces/{ns}/agents/{name}/status", this::reportStatus);
        r.post("/v1/namespaces/{ns}/agents/{name}/health", this::reportHealth);
        r.get("/v1/workers", q -> read(q, s -> s.workers().stream().map(w -> Views.worker(s, w)).toList()));
        r.post("/v1/workers", this::registerWorker);
        r.get("/v1/workers/{id}", q -> read(q, s -> Views.worker(s, worker(s, q.param("id")))));
        r.post("/v1/workers/{id}/heartbeat", this::heartbeat);
        r.post("/v1/workers/{id}/drain", this::drain);
        r.post("/v1/workers/{id}/undrain", q -> write(q, new Command.UndrainWorker(workerId(q)), false));
        r.post("/v1/namespaces/{ns}/agents/{name}/migrate", this::migrate);
        r.put("/v1/namespaces/{ns}/agents/{name}/checkpoint", this::putCheckpoint);
        r.get("/v1/namespaces/{ns}/agents/{name}/logs", this::logs);
        r.get("/v1/namespaces/{ns}/agents/{name}/checkpoint", q -> read(q, s -> {
            Agent a = agent(s, q);
            if (a.checkpoint() == null) {
                throw ApiException.notFound("agent " + a.key() + " has saved no checkpoint");
            }
            return new CheckpointView(a.checkpoint(), a.checkpointRevision());
        }));
        r.get("/v1/cluster/status", q -> CompletableFuture.completedFuture(ApiResponse.ok(cluster.status())));
        r.get("/v1/cluster/members", q -> CompletableFuture.completedFuture(ApiResponse.ok(cluster.members())));
        r.get("/v1/events", this::events);
        return r;
    }

    // ------------------------------------------------------------------ reads

    /**
     * A read: after the linearizability barrier (unless ?stale=true), and after the
     * blocking-query wait when ?index=N&wait=D is given; answers with the revision header.
     */
    private CompletableFuture<ApiResponse> read(ApiRequest q, Function<ClusterState, Object> reader) {
        boolean stale = q.flag("stale");
        long index = q.longQuery("index", -1, 0, Long.MAX_VALUE);
        Duration wait = waitParam(q, index >= 0 ? Duration.ofMinutes(1) : Duration.ZERO);
        return coordinator.readable(stale)
                .thenCompose(v -> index >= 0 ? coordinator.awaitRevision(index, wait) : CompletableFuture.completedFuture(true))
                .thenApply(v -> coordinator.read(s -> ApiResponse.ok(reader.apply(s))
                        .withHeader(REVISION_HEADER, Long.toString(s.revision()))));
    }

    private static Duration waitParam(ApiRequest q, Duration dflt) {
        String w = q.query("wait");
        if (w == null) {
            return dflt;
        }
        try {
            Duration d = ApiDurations.parse(w);
            if (d.compareTo(MAX_WAIT) > 0) {
                throw ApiException.invalid("query parameter 'wait' must be at most 5m");
            }
            return d;
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("query parameter 'wait': " + e.getMessage());
        }
    }

    private CompletableFuture<ApiResponse> listAgents(ApiRequest q, String namespace) {
        if (namespace != null) {
            validate(() -> Names.namespace(namespace));
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
        Predicate<Agent> filter = a -> (changedAfter < 0 || a.revision() > changedAfter)
                && (st == null || a.state() == st)
                && (worker == null || worker.equals(a.worker()))
                && labels.entrySet().stream().allMatch(e -> e.getValue().equals(a.spec().labels().get(e.getKey())));
        boolean stale = q.flag("stale");
        long index = q.longQuery("index", -1, 0, Long.MAX_VALUE);
        Duration wait = waitParam(q, index >= 0 ? Duration.ofMinutes(1) : Duration.ZERO);
        return coordinator.readable(stale)
                .thenCompose(v -> index >= 0 ? coordinator.awaitRevision(index, wait) : CompletableFuture.completedFuture(true))
                .thenApply(v -> coordinator.read(s -> {
                    if (namespace != null && q.param("ns") != null) {
                        namespace(s, namespace);
                    }
                    List<Agent> page = s.agents(namespace, after, filter, limit);
                    ApiResponse r = ApiResponse.ok(page.stream().map(a -> Views.agent(s, a)).toList())
                            .withHeader(REVISION_HEADER, Long.toString(s.revision()));
                    if (page.size() == limit) {
                        // A full page: there may be more; the next page starts after its last agent.
                        r = r.withHeader(CONTINUE_HEADER, continueToken(page.get(page.size() - 1).key()));
                    }
                    return r;
                }));
    }

    /** The opaque token of a list page that ends at {@code last}: base64url of NS/NAME. */
    static String continueToken(AgentKey last) {
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                (last.namespace() + "/" + last.name()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static AgentKey continueToken(String token) {
        if (token == null) {
            return null;
        }
        try {
            String s = new String(java.util.Base64.getUrlDecoder().decode(token), java.nio.charset.StandardCharsets.UTF_8);
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
        String key = q.param("key");
        validate(() -> Names.metadataKey(key));
        return read(q, s -> {
            MetadataEntry e = agent(s, q).metadata().get(key);
            if (e == null) {
                throw ApiException.notFound("metadata key " + key + " of agent " + ns(q) + "/" + name(q) + " not found");
            }
            return new MetadataView(key, e.value(), e.version());
        });
    }

    private CompletableFuture<ApiResponse> events(ApiRequest q) {
        long after = q.longQuery("after", 0, 0, Long.MAX_VALUE);
        int limit = (int) q.longQuery("limit", 1000, 1, 10_000);
        Duration wait = waitParam(q, Duration.ZERO);
        boolean stale = q.flag("stale");
        return coordinator.readable(stale)
                .thenCompose(v -> coordinator.awaitRevision(after, wait))
                .thenCompose(v -> {
                    // The revision passed `after`, but not every command emits an event: wait on.
                    EventsPage page = coordinator.read(s -> page(s, after, limit));
                    return CompletableFuture.completedFuture(ApiResponse.ok(page)
                            .withHeader(REVISION_HEADER, Long.toString(page.revision())));
                });
    }

    private static EventsPage page(ClusterState s, long after, int limit) {
        List<Event> events = s.eventsAfter(after, limit);
        boolean truncated = after < s.eventsPrunedThrough();
        List<EventView> views = new ArrayList<>(events.size());
        events.forEach(e -> views.add(Views.event(e)));
        long rev = events.size() == limit ? events.get(events.size() - 1).revision() : s.revision();
        return new EventsPage(views, rev, truncated);
    }

    // ----------------------------------------------------------------- writes

    private CompletableFuture<ApiResponse> createNamespace(ApiRequest q) {
        CreateNamespaceRequest body = Json.read(q.body(), CreateNamespaceRequest.class);
        Command c = validate(() -> {
            Names.namespace(body.name());
            return new Command.CreateNamespace(body.name(), Views.quota(body.quota()));
        });
        return write(q, c, true);
    }

    private CompletableFuture<ApiResponse> setQuota(ApiRequest q) {
        QuotaView body = Json.read(q.body(), QuotaView.class);
        Command c = validate(() -> new Command.SetQuota(Names.namespace(q.param("ns")), Views.quota(body)));
        return write(q, c, false);
    }

    private CompletableFuture<ApiResponse> spawn(ApiRequest q) {
        return spawn(q, Json.read(q.body(), SpawnRequest.class));
    }

    /** A spawn whose body has been read already (by the route, or by {@link SpawnFastPath}). */
    CompletableFuture<ApiResponse> spawn(ApiRequest q, SpawnRequest body) {
        Command c = validate(() -> {
            Names.namespace(q.param("ns"));
            Names.agentName(body.name());
            return new Command.SpawnAgent(q.param("ns"), body.name(), Views.spec(body.spec()));
        });
        return write(q, c, true);
    }

    /**
     * Up to {@link #MAX_SPAWN_BATCH} spawns proposed as one log entry. Malformed input anywhere
     * is a 400 naming the item, and nothing is proposed; each well-formed item is then decided
     * on its own by the state machine (quota, name taken), in request order. With an
     * Idempotency-Key K, item i carries the request id K:i, so a retry of the same request
     * answers what the first one did, item by item.
     */
    private CompletableFuture<ApiResponse> spawnBatch(ApiRequest q) {
        String ns = ns(q);
        SpawnBatchRequest body = Json.read(q.body(), SpawnBatchRequest.class);
        List<SpawnRequest> items = body.agents();
        if (items.isEmpty() || items.size() > MAX_SPAWN_BATCH) {
            throw ApiException.invalid("agents must hold 1 to " + MAX_SPAWN_BATCH + " items, got " + items.size());
        }
        String key = validate(() -> Names.requestId(q.headers().get("Idempotency-Key")));
        if (key != null && key.length() > MAX_BATCH_KEY) {
            throw ApiException.invalid("Idempotency-Key of a batch must be at most " + MAX_BATCH_KEY
                    + " characters (item i gets KEY:i)");
        }
        Map<String, Integer> seen = new java.util.HashMap<>();
        List<io.agentd.statemachine.command.Envelope> envelopes = new ArrayList<>(items.size());
        String actor = actor(q);
        for (int i = 0; i < items.size(); i++) {
            SpawnRequest item = items.get(i);
            String where = "agents[" + i + "]";
            if (item == null) {
                throw ApiException.invalid(where + " is null");
            }
            Command c;
            try {
                Names.agentName(item.name());
                c = new Command.SpawnAgent(ns, item.name(), Views.spec(item.spec()));
            } catch (Rejection r) {
                throw ApiException.invalid(where + ": " + r.getMessage());
            }
            Integer earlier = seen.putIfAbsent(item.name(), i);
            if (earlier != null) {
                throw ApiException.invalid(where + ".name '" + item.name() + "' repeats agents[" + earlier + "]");
            }
            envelopes.add(new io.agentd.statemachine.command.Envelope(key == null ? null : key + ":" + i, actor, c));
        }
        return coordinator.writeAll(envelopes).thenApply(replies -> {
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
                            new io.agentd.client.api.ErrorDetail(reply.code().name(), reply.message())));
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
                    .withHeader(REVISION_HEADER, Long.toString(revision));
        });
    }

    private CompletableFuture<ApiResponse> setMetadata(ApiRequest q) {
        SetMetadataRequest body = Json.read(q.body(), SetMetadataRequest.class);
        Command c = validate(() -> {
            Names.metadataKey(q.param("key"));
            Names.metadataValue(body.value());
            if (body.ifVersion() != null && body.ifVersion() < 0) {
                throw Rejection.invalid("ifVersion must be >= 0, got " + body.ifVersion());
            }
            return new Command.SetMetadata(ns(q), name(q), q.param("key"), body.value(), body.ifVersion());
        });
        return write(q, c, false);
    }

    private CompletableFuture<ApiResponse> reportStatus(ApiRequest q) {
        StatusReport body = Json.read(q.body(), StatusReport.class);
        Command c = validate(() -> {
            AgentState st = WireEnum.fromWord(AgentState.class, body.state());
            if (st == null || !(st == AgentState.STARTING || st == AgentState.RUNNING || st == AgentState.STOPPED
                    || st == AgentState.FAILED)) {
                throw Rejection.invalid("state must be one of starting, running, stopped, failed; got '"
                        + body.state() + "'");
            }
            if (body.fencingToken() <= 0) {
                throw Rejection.invalid("fencingToken must be > 0");
            }
            int restarts = body.restarts() == null ? 0 : body.restarts();
            if (restarts < 0) {
                throw Rejection.invalid("restarts must be >= 0, got " + restarts);
            }
            return new Command.ReportStatus(ns(q), name(q), body.fencingToken(), st, body.exitCode(),
                    body.message() == null ? null : Names.text("message", body.message(), false), restarts);
        });
        return write(q, c, false);
    }

    private CompletableFuture<ApiResponse> reportHealth(ApiRequest q) {
        io.agentd.client.api.HealthReport body = Json.read(q.body(), io.agentd.client.api.HealthReport.class);
        Command c = validate(() -> {
            if (body.fencingToken() <= 0) {
                throw Rejection.invalid("fencingToken must be > 0");
            }
            if (!io.agentd.statemachine.model.Health.known(body.status())) {
                throw Rejection.invalid("status must be one of ok, degraded, unhealthy; got '" + body.status() + "'");
            }
            String progress = body.progress() == null ? "" : body.progress();
            if (progress.length() > io.agentd.statemachine.model.Health.MAX_PROGRESS || progress.indexOf('\0') >= 0) {
                throw Rejection.invalid("progress must be at most " + io.agentd.statemachine.model.Health.MAX_PROGRESS
                        + " characters without NUL");
            }
            return new Command.ReportHealth(ns(q), name(q), body.fencingToken(), body.status(), progress);
        });
        return write(q, c, false);
    }

    private CompletableFuture<ApiResponse> drain(ApiRequest q) {
        String id = workerId(q);
        int parallel = 1;
        if (q.body() != null && q.body().length > 0) {
            parallel = Json.read(q.body(), DrainRequest.class).maxParallel();
        }
        if (parallel < 1 || parallel > 10_000) {
            throw ApiException.invalid("maxParallel must be between 1 and 10000, got " + parallel);
        }
        return write(q, new Command.DrainWorker(id, parallel), false);
    }

    private CompletableFuture<ApiResponse> migrate(ApiRequest q) {
        String to = null;
        if (q.body() != null && q.body().length > 0) {
            to = Json.read(q.body(), MigrateRequest.class).to();
        }
        if (to != null) {
            String t = to;
            validate(() -> Names.workerId("to", t));
        }
        return write(q, new Command.MigrateAgent(ns(q), name(q), to), false);
    }

    private CompletableFuture<ApiResponse> putCheckpoint(ApiRequest q) {
        CheckpointRequest body = Json.read(q.body(), CheckpointRequest.class);
        if (body.data() == null) {
            throw ApiException.invalid("data is required");
        }
        if (body.data().length() > 64 * 1024) {
            throw ApiException.invalid("data is longer than 65536 characters");
        }
        if (body.fencingToken() <= 0) {
            throw ApiException.invalid("fencingToken must be > 0");
        }
        return write(q, new Command.PutCheckpoint(ns(q), name(q), body.fencingToken(), body.data()), false);
    }

    private static final java.net.http.HttpClient WORKERS = java.net.http.HttpClient.newBuilder()
            .connectTimeout(java.time.Duration.ofSeconds(3)).build();

    /**
     * An agent's log, fetched from the worker it runs on (or, while it runs nowhere, the last
     * one it ran on): the last {@code tail} lines, or with {@code cursor} (from an earlier answer)
     * the lines written since. A cursor from another worker is ignored: the answer is a tail.
     */
    private CompletableFuture<ApiResponse> logs(ApiRequest q) {
        long tail = q.longQuery("tail", 100, 1, 100_000);
        String cursor = q.query("cursor");
        String[] cursorParts = cursor == null ? null : cursor.split(":", 2);
        if (cursor != null && (cursorParts.length != 2 || !cursorParts[1].matches("[0-9]{1,19}:[0-9]{1,19}"))) {
            throw ApiException.invalid("cursor must be as a logs answer gave it (WORKER:SEQUENCE:OFFSET), not '"
                    + cursor + "'");
        }
        return coordinator.readable(q.flag("stale")).thenCompose(v -> {
            String[] where = coordinator.read(s -> {
                Agent a = agent(s, q);
                String id = a.assigned() ? a.worker() : a.lastWorker();
                io.agentd.statemachine.model.Worker w = id == null ? null : s.worker(id);
                if (w == null || w.state() == io.agentd.statemachine.model.WorkerState.DOWN) {
                    throw new ApiException(404, "NOT_FOUND", "agent " + a.key() + " is not on a worker now"
                            + (id == null ? " and never ran" : " and its last worker " + id + " is "
                            + (w == null ? "gone" : "down")) + ": its logs stay on the worker that ran it");
                }
                return new String[] {w.id(), w.address()};
            });
            String query = cursorParts != null && cursorParts[0].equals(where[0])
                    ? "cursor=" + cursorParts[1] : "tail=" + tail;
            java.net.http.HttpRequest req = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://"
                    + where[1] + "/v1/logs/" + ns(q) + "/" + name(q) + "?" + query))
                    .timeout(java.time.Duration.ofSeconds(5)).build();
            return WORKERS.sendAsync(req, java.net.http.HttpResponse.BodyHandlers.ofByteArray()).handle((resp, err) -> {
                if (err != null) {
                    throw ApiException.unavailable("worker " + where[0] + " at " + where[1] + " did not answer: "
                            + err.getMessage());
                }
                if (resp.statusCode() != 200) {
                    throw new ApiException(resp.statusCode() == 404 ? 404 : 503,
                            resp.statusCode() == 404 ? "NOT_FOUND" : "UNAVAILABLE",
                            "worker " + where[0] + " answered " + resp.statusCode() + " for the logs");
                }
                try {
                    java.util.List<String> lines = new java.util.ArrayList<>();
                    com.fasterxml.jackson.databind.JsonNode body = Json.MAPPER.readTree(resp.body());
                    body.path("lines").forEach(n -> lines.add(n.asText()));
                    return ApiResponse.ok(new io.agentd.client.api.LogsView(where[0], lines,
                            where[0] + ":" + body.path("cursor").asText("0:0"), body.path("skipped").asBoolean()));
                } catch (java.io.IOException e) {
                    throw ApiException.unavailable("worker " + where[0] + " sent unreadable logs");
                }
            });
        });
    }

    private static String workerId(ApiRequest q) {
        return validate(() -> Names.workerId("id", q.param("id")));
    }

    private CompletableFuture<ApiResponse> registerWorker(ApiRequest q) {
        RegisterWorkerRequest body = Json.read(q.body(), RegisterWorkerRequest.class);
        Command c = validate(() -> {
            Names.workerId("id", body.id());
            Names.text("address", body.address(), true);
            TreeMap<String, String> labels = Views.sorted(body.labels());
            Names.labels("labels", labels);
            if (body.zone() != null && !body.zone().isEmpty()) {
                Names.dnsLabel("zone", body.zone());
            }
            if (body.capacitySlots() < 0 || body.capacitySlots() > 1_000_000) {
                throw Rejection.invalid("capacitySlots must be between 0 and 1000000, got " + body.capacitySlots());
            }
            return new Command.RegisterWorker(body.id(), body.address(), body.zone() == null ? "" : body.zone(),
                    labels, body.capacitySlots());
        });
        return write(q, c, true);
    }

    /**
     * A lease renewal: leader soft state, never logged. The read barrier, with this node leading
     * in the same term before and after it, confirms this node leads and has applied every
     * committed entry (so an expiry decided by an earlier leader is seen) before the renewal is
     * granted; renewals share barriers (at most one every {@code Coordinator.RENEWAL_BARRIER_SPACING}).
     */
    private CompletableFuture<ApiResponse> heartbeat(ApiRequest q) {
        String id = validate(() -> Names.workerId("id", q.param("id")));
        if (q.body() != null && q.body().length > 0) {
            Json.read(q.body(), java.util.Map.class); // well-formed JSON or a 400; contents reserved
        }
        return renewLease(id).thenApply(ApiResponse::ok);
    }

    /**
     * Renews the lease of a worker whose id is valid ({@link Names#workerId}); the whole of a
     * renewal but the HTTP. Fails with the API's errors: 503 on a follower, 404, 409. Used by
     * the heartbeat route and by {@link HeartbeatFastPath}.
     */
    public CompletableFuture<HeartbeatView> renewLease(String id) {
        long term = leases.term();
        if (term == 0 || !coordinator.raft().leadsIn(term)) {
            return CompletableFuture.failedFuture(notLeader());
        }
        return coordinator.renewable().thenApply(v -> {
            Worker w = coordinator.read(s -> s.worker(id));
            return switch (leases.renew(id, w, term)) {
                case RENEWED -> new HeartbeatView(id, w.state().word(), leases.ttl().toMillis(), coordinator.revision());
                case NOT_LEADER -> throw notLeader();
                case UNKNOWN_WORKER -> throw ApiException.notFound("worker " + id + " not found: register it first");
                case EXPIRED -> throw new ApiException(409, ErrorCode.FAILED_PRECONDITION.name(), "the lease of worker "
                        + id + " has expired and its agents were handed on: stop them and register again");
            };
        });
    }

    private ApiException notLeader() {
        String leader = coordinator.raft().leaderId().orElse(null);
        return ApiException.unavailable("this node is not the leader" + (leader == null ? "; no leader known"
                : "; the leader is " + leader) + ": lease renewals go to the leader");
    }

    /** Proposes a command and maps its reply: created → 201 when {@code mayCreate}. */
    private CompletableFuture<ApiResponse> write(ApiRequest q, Command c, boolean mayCreate) {
        String requestId = validate(() -> Names.requestId(q.headers().get("Idempotency-Key")));
        return coordinator.write(c, requestId, actor(q)).thenApply(reply -> {
            if (!reply.isOk()) {
                throw error(reply.code(), reply.message());
            }
            Object body = view(reply);
            ApiResponse r = mayCreate && reply.created() ? ApiResponse.created(body) : ApiResponse.ok(body);
            return r.withHeader(REVISION_HEADER, Long.toString(reply.revision()));
        });
    }

    private Object view(Reply reply) {
        Object b = reply.body();
        if (b instanceof Agent a) {
            // Written straight from the record when the answer is sent: Views.agent + Json.write in one.
            return new ApiResponse.RawJson(g -> io.agentd.daemon.coordinator.AgentJson.write(g, a));
        } else if (b instanceof Namespace n) {
            // Usage is read at answer time; the namespace itself is the one the command left.
            return coordinator.read(s -> Views.namespace(s, n));
        } else if (b instanceof Worker w) {
            return coordinator.read(s -> Views.worker(s, w));
        } else if (b instanceof io.agentd.statemachine.model.MetadataResult m) {
            return Views.metadata(m);
        }
        return Map.of();
    }

    static String actor(ApiRequest q) {
        return "anonymous"; // authentication comes with TLS and tokens
    }

    // ----------------------------------------------------------------- helpers

    static ApiException error(ErrorCode code, String message) {
        return switch (code) {
            case INVALID_ARGUMENT -> new ApiException(400, code.name(), message);
            case NOT_FOUND -> new ApiException(404, code.name(), message);
            case ALREADY_EXISTS, VERSION_MISMATCH, FAILED_PRECONDITION -> new ApiException(409, code.name(), message);
            case QUOTA_EXCEEDED -> new ApiException(403, code.name(), message);
            case OK -> throw new IllegalArgumentException("OK is not an error");
        };
    }

    /** Runs input validation; a domain rejection becomes a 400 (or its own status). */
    static <T> T validate(Supplier<T> check) {
        try {
            return check.get();
        } catch (Rejection r) {
            throw error(r.code(), r.getMessage());
        }
    }

    private static String ns(ApiRequest q) {
        return validate(() -> Names.namespace(q.param("ns")));
    }

    private static String name(ApiRequest q) {
        return validate(() -> Names.agentName(q.param("name")));
    }

    private static Namespace namespace(ClusterState s, String name) {
        validate(() -> Names.namespace(name));
        Namespace n = s.namespace(name);
        if (n == null) {
            throw ApiException.notFound("namespace " + name + " not found");
        }
        return n;
    }

    private static Agent agent(ClusterState s, ApiRequest q) {
        String ns = ns(q);
        String name = name(q);
        Agent a = s.agent(ns, name);
        if (a == null) {
            throw ApiException.notFound("agent " + ns + "/" + name + " not found");
        }
        return a;
    }

    private static Worker worker(ClusterState s, String id) {
        validate(() -> Names.workerId("id", id));
        Worker w = s.worker(id);
        if (w == null) {
            throw ApiException.notFound("worker " + id + " not found");
        }
        return w;
    }
}
