package io.agentd.daemon.coordinator;

import io.agentd.client.api.CheckpointRequest;
import io.agentd.client.api.HealthReport;
import io.agentd.client.api.SetMetadataRequest;
import io.agentd.client.api.SpawnRequest;
import io.agentd.client.api.StatusReport;
import io.agentd.statemachine.Names;
import io.agentd.statemachine.Rejection;
import io.agentd.statemachine.command.Command;
import io.agentd.statemachine.command.Envelope;
import io.agentd.statemachine.command.Reply;
import io.agentd.statemachine.model.AgentState;
import io.agentd.statemachine.model.WireEnum;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Changes to agents: each request is validated (a {@link Rejection} naming the bad field, thrown
 * before anything is proposed) and becomes one command, replicated through the {@link
 * Coordinator}. The state machine checks every command again when it applies it.
 */
public final class AgentService {
    /** Agents one batch spawn may carry: the API's limit. */
    public static final int MAX_SPAWN_BATCH = io.agentd.client.Api.MAX_SPAWN_BATCH;
    /** Longest Idempotency-Key of a batch: item i gets the request id KEY:i, which must fit the id limit. */
    public static final int MAX_BATCH_KEY = 59;

    private final Coordinator coordinator;

    public AgentService(Coordinator coordinator) {
        this.coordinator = coordinator;
    }

    public CompletableFuture<Reply> spawn(String namespace, SpawnRequest body, Caller caller) {
        Names.namespace(namespace);
        Command c = spawnCommand(namespace, body, "");
        return write(c, caller);
    }

    private static Command spawnCommand(String namespace, SpawnRequest body, String where) {
        try {
            if (body == null) {
                throw Rejection.invalid("the body is required");
            }
            Names.agentName(body.name());
            return new Command.SpawnAgent(namespace, body.name(), Requests.spec(body.spec()));
        } catch (Rejection r) {
            throw where.isEmpty() ? r : Rejection.invalid(where + ": " + r.getMessage());
        }
    }

    /**
     * Up to {@link #MAX_SPAWN_BATCH} spawns proposed as one log entry. Malformed input anywhere is
     * a rejection naming the item, and nothing is proposed; each well-formed item is then decided
     * on its own by the state machine (quota, name taken), in request order. With a request id K,
     * item i carries the request id K:i, so a retry of the same request answers what the first
     * one did, item by item.
     */
    public CompletableFuture<List<Reply>> spawnBatch(String namespace, List<SpawnRequest> items, Caller caller) {
        Names.namespace(namespace);
        if (items == null || items.isEmpty() || items.size() > MAX_SPAWN_BATCH) {
            throw Rejection.invalid("agents must hold 1 to " + MAX_SPAWN_BATCH + " items, got "
                    + (items == null ? 0 : items.size()));
        }
        String key = caller.requestId();
        if (key != null && key.length() > MAX_BATCH_KEY) {
            throw Rejection.invalid("Idempotency-Key of a batch must be at most " + MAX_BATCH_KEY
                    + " characters (item i gets KEY:i)");
        }
        Map<String, Integer> seen = new HashMap<>();
        List<Envelope> envelopes = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            SpawnRequest item = items.get(i);
            String where = "agents[" + i + "]";
            if (item == null) {
                throw Rejection.invalid(where + " is null");
            }
            Command c = spawnCommand(namespace, item, where);
            Integer earlier = seen.putIfAbsent(item.name(), i);
            if (earlier != null) {
                throw Rejection.invalid(where + ".name '" + item.name() + "' repeats agents[" + earlier + "]");
            }
            envelopes.add(caller.envelope(key == null ? null : key + ":" + i, c));
        }
        return coordinator.writeAll(envelopes);
    }

    public CompletableFuture<Reply> stop(String namespace, String name, Caller caller) {
        return write(new Command.StopAgent(Names.namespace(namespace), Names.agentName(name)), caller);
    }

    /**
     * Runs a stopped or failed agent again. Refused here, before it reaches the log, while the
     * cluster is below feature level 2: a member on an older build could not read the entry.
     */
    public CompletableFuture<Reply> start(String namespace, String name, Caller caller) {
        Command c = new Command.StartAgent(Names.namespace(namespace), Names.agentName(name));
        return coordinator.requireFeatureLevel(2, "starting a stopped agent").thenCompose(v -> write(c, caller));
    }

    public CompletableFuture<Reply> delete(String namespace, String name, Caller caller) {
        return write(new Command.DeleteAgent(Names.namespace(namespace), Names.agentName(name)), caller);
    }

    public CompletableFuture<Reply> setMetadata(String namespace, String name, String key, SetMetadataRequest body,
                                                Caller caller) {
        Names.namespace(namespace);
        Names.agentName(name);
        Names.metadataKey(key);
        Names.metadataValue(body.value());
        if (body.ifVersion() != null && body.ifVersion() < 0) {
            throw Rejection.invalid("ifVersion must be >= 0, got " + body.ifVersion());
        }
        return write(new Command.SetMetadata(namespace, name, key, body.value(), body.ifVersion()), caller);
    }

    /** A worker's report on the agent it runs, fenced by the assignment's token. */
    public CompletableFuture<Reply> reportStatus(String namespace, String name, StatusReport body, Caller caller) {
        Names.namespace(namespace);
        Names.agentName(name);
        AgentState st = WireEnum.fromWord(AgentState.class, body.state());
        if (st == null || !(st == AgentState.STARTING || st == AgentState.RUNNING || st == AgentState.STOPPED
                || st == AgentState.FAILED)) {
            throw Rejection.invalid("state must be one of starting, running, stopped, failed; got '"
                    + body.state() + "'");
        }
        Names.fencingToken(body.fencingToken());
        int restarts = body.restarts() == null ? 0 : body.restarts();
        if (restarts < 0) {
            throw Rejection.invalid("restarts must be >= 0, got " + restarts);
        }
        return write(new Command.ReportStatus(namespace, name, body.fencingToken(), st, body.exitCode(),
                body.message() == null ? null : Names.text("message", body.message(), false), restarts), caller);
    }

    /** What a running agent says about itself, through its worker, fenced by its token. */
    public CompletableFuture<Reply> reportHealth(String namespace, String name, HealthReport body, Caller caller) {
        Names.namespace(namespace);
        Names.agentName(name);
        Names.fencingToken(body.fencingToken());
        Names.healthStatus(body.status());
        String progress = Names.healthProgress(body.progress() == null ? "" : body.progress());
        return write(new Command.ReportHealth(namespace, name, body.fencingToken(), body.status(), progress), caller);
    }

    /** Moves an agent to worker {@code to}, or to any other worker when null. */
    public CompletableFuture<Reply> migrate(String namespace, String name, String to, Caller caller) {
        Names.namespace(namespace);
        Names.agentName(name);
        if (to != null) {
            Names.workerId("to", to);
        }
        return write(new Command.MigrateAgent(namespace, name, to), caller);
    }

    /** The agent's saved state, fenced by the assignment's token. */
    public CompletableFuture<Reply> putCheckpoint(String namespace, String name, CheckpointRequest body,
                                                  Caller caller) {
        Names.namespace(namespace);
        Names.agentName(name);
        if (body.data() == null) {
            throw Rejection.invalid("data is required");
        }
        Names.checkpoint(body.data());
        Names.fencingToken(body.fencingToken());
        return write(new Command.PutCheckpoint(namespace, name, body.fencingToken(), body.data()), caller);
    }

    private CompletableFuture<Reply> write(Command c, Caller caller) {
        return coordinator.write(caller.envelope(c));
    }
}
