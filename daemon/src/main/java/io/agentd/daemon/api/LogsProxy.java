package io.agentd.daemon.api;

import io.agentd.client.WorkerLogSignature;
import io.agentd.statemachine.model.Role;
import io.agentd.statemachine.model.Token;
import com.fasterxml.jackson.databind.JsonNode;
import io.agentd.client.api.LogsView;
import io.agentd.statemachine.model.Agent;
import io.agentd.statemachine.model.Worker;
import io.agentd.statemachine.model.WorkerState;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code GET /v1/namespaces/{ns}/agents/{name}/logs}: an agent's log, fetched from the worker it
 * runs on (or, while it runs nowhere, the last one it ran on): the last {@code tail} lines, or
 * with {@code cursor} (from an earlier answer) the lines written since. A cursor from another
 * worker is ignored: the answer is a tail.
 */
final class LogsProxy {
    private static final HttpClient WORKERS = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private final Reads reads;

    LogsProxy(Reads reads) {
        this.reads = reads;
    }

    void register(Router r) {
        r.get("/v1/namespaces/{ns}/agents/{name}/logs", Guard.reads(q -> q.param("ns")), this::logs);
    }

    /**
     * Where the agent's logs are: its worker's id and address, and the hashes of the worker's live
     * tokens, which sign the request ({@link WorkerLogSignature}).
     */
    private record Source(String worker, String address, String namespace, String name, List<String> tokenHashes) {
    }

    private CompletableFuture<ApiResponse> logs(ApiRequest q) {
        long tail = q.longQuery("tail", 100, 1, 100_000);
        String cursor = q.query("cursor");
        String[] cursorParts = cursor == null ? null : cursor.split(":", 2);
        if (cursor != null && (cursorParts.length != 2 || !cursorParts[1].matches("[0-9]{1,19}:[0-9]{1,19}"))) {
            throw ApiException.invalid("cursor must be as a logs answer gave it (WORKER:SEQUENCE:OFFSET), not '"
                    + cursor + "'");
        }
        return reads.lookUp(q, -1, Duration.ZERO, s -> {
            Agent a = AgentRoutes.agent(s, q);
            String id = a.assigned() ? a.worker() : a.lastWorker();
            Worker w = id == null ? null : s.worker(id);
            if (w == null || w.state() == WorkerState.DOWN) {
                throw ApiException.notFound("agent " + a.key() + " is not on a worker now"
                        + (id == null ? " and never ran" : " and its last worker " + id + " is "
                        + (w == null ? "gone" : "down")) + ": its logs stay on the worker that ran it");
            }
            long now = System.currentTimeMillis();
            List<String> hashes = s.tokens().stream().filter(t -> t.role() == Role.WORKER
                    && w.id().equals(t.workerId()) && !t.revoked() && !t.expiredAt(now)).map(Token::hash).toList();
            return new Source(w.id(), w.address(), a.namespace(), a.name(), hashes);
        }).thenCompose(src -> fetch(src, cursorParts != null && cursorParts[0].equals(src.worker())
                ? "cursor=" + cursorParts[1] : "tail=" + tail));
    }

    private static CompletableFuture<ApiResponse> fetch(Source src, String query) {
        String target = "/v1/logs/" + src.namespace() + "/" + src.name() + "?" + query;
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + src.address() + target))
                .timeout(Duration.ofSeconds(5));
        if (!src.tokenHashes().isEmpty()) {
            b.header(WorkerLogSignature.HEADER, WorkerLogSignature.sign("GET", target, System.currentTimeMillis(),
                    src.tokenHashes()));
        }
        HttpRequest req = b.build();
        return WORKERS.sendAsync(req, HttpResponse.BodyHandlers.ofByteArray()).handle((resp, err) -> {
            if (err != null) {
                throw ApiException.unavailable("worker " + src.worker() + " at " + src.address() + " did not answer: "
                        + err.getMessage());
            }
            if (resp.statusCode() != 200) {
                throw new ApiException(resp.statusCode() == 404 ? 404 : 503,
                        resp.statusCode() == 404 ? "NOT_FOUND" : "UNAVAILABLE",
                        "worker " + src.worker() + " answered " + resp.statusCode() + " for the logs");
            }
            try {
                List<String> lines = new ArrayList<>();
                JsonNode body = Json.MAPPER.readTree(resp.body());
                body.path("lines").forEach(n -> lines.add(n.asText()));
                return ApiResponse.ok(new LogsView(src.worker(), lines,
                        src.worker() + ":" + body.path("cursor").asText("0:0"), body.path("skipped").asBoolean()));
            } catch (IOException e) {
                throw ApiException.unavailable("worker " + src.worker() + " sent unreadable logs");
            }
        });
    }
}
