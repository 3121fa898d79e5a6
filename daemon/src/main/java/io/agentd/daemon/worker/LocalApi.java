package io.agentd.daemon.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.agentd.daemon.worker.process.LogTail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The worker's local API (loopback): the coordinators fetch agent logs through it, and each
 * agent saves and reads its checkpoint, proving who it is with the secret in its environment
 * ({@code AGENTD_AGENT_SECRET}, sent as {@code Authorization: Bearer ...}).
 * <ul>
 *   <li>{@code GET /v1/logs/{ns}/{name}?tail=N}: the last N lines of the agent's log and a cursor
 *       after them; {@code ?cursor=C}: the lines after that cursor and the next one</li>
 *   <li>{@code PUT /v1/self/checkpoint} (agent): body = the checkpoint text, saved fenced by its token</li>
 *   <li>{@code GET /v1/self/checkpoint} (agent): the checkpoint it started with, or 404</li>
 *   <li>{@code PUT /v1/self/health} (agent): {@code {"status": "ok|degraded|unhealthy", "progress": "..."}},
 *       forwarded to the coordinators at most every {@link WorkerDaemon#HEALTH_INTERVAL} (the latest wins)</li>
 * </ul>
 */
final class LocalApi implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_CHECKPOINT = 64 * 1024;

    /** What the worker tells the local API about an agent known by its secret. */
    record AgentIdentity(String namespace, String name, String checkpoint) {
    }

    private final HttpServer server;

    /** Takes an agent's health report; null when accepted, else why not. */
    interface HealthSink {
        String report(AgentIdentity who, String status, String progress);
    }

    LocalApi(InetSocketAddress bind, Path agentsDir, Function<String, AgentIdentity> bySecret,
             BiFunction<AgentIdentity, String, String> saveCheckpoint, HealthSink health) throws IOException {
        server = HttpServer.create(bind, 64);
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "worker-local-api");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/v1/logs/", ex -> handle(ex, () -> logs(ex, agentsDir)));
        server.createContext("/v1/self/checkpoint", ex -> handle(ex, () -> {
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            AgentIdentity who = auth != null && auth.startsWith("Bearer ") ? bySecret.apply(auth.substring(7)) : null;
            if (who == null) {
                return answer(401, error("UNAUTHENTICATED", "send the agent's AGENTD_AGENT_SECRET as a bearer token"));
            }
            if (ex.getRequestMethod().equals("GET")) {
                return who.checkpoint() == null ? answer(404, error("NOT_FOUND", "no checkpoint"))
                        : answer(200, Map.of("data", who.checkpoint()));
            }
            if (!ex.getRequestMethod().equals("PUT")) {
                return answer(405, error("METHOD_NOT_ALLOWED", "GET or PUT"));
            }
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readNBytes(MAX_CHECKPOINT + 1);
            }
            if (body.length > MAX_CHECKPOINT) {
                return answer(413, error("PAYLOAD_TOO_LARGE", "a checkpoint is at most 65536 bytes"));
            }
            String failure = saveCheckpoint.apply(who, new String(body, StandardCharsets.UTF_8));
            return failure == null ? answer(200, Map.of("saved", true))
                    : answer(409, error("FAILED_PRECONDITION", failure));
        }));
        server.createContext("/v1/self/health", ex -> handle(ex, () -> {
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            AgentIdentity who = auth != null && auth.startsWith("Bearer ") ? bySecret.apply(auth.substring(7)) : null;
            if (who == null) {
                return answer(401, error("UNAUTHENTICATED", "send the agent's AGENTD_AGENT_SECRET as a bearer token"));
            }
            if (!ex.getRequestMethod().equals("PUT")) {
                return answer(405, error("METHOD_NOT_ALLOWED", "PUT"));
            }
            com.fasterxml.jackson.databind.JsonNode body;
            try (InputStream in = ex.getRequestBody()) {
                body = JSON.readTree(in.readNBytes(4096));
            } catch (IOException e) {
                return answer(400, error("INVALID_ARGUMENT", "body must be JSON: {\"status\": \"ok\", \"progress\": \"...\"}"));
            }
            String status = body == null ? null : body.path("status").asText(null);
            String progress = body == null ? "" : body.path("progress").asText("");
            if (!io.agentd.statemachine.model.Health.known(status)) {
                return answer(400, error("INVALID_ARGUMENT", "status must be one of ok, degraded, unhealthy"));
            }
            if (progress.length() > io.agentd.statemachine.model.Health.MAX_PROGRESS) {
                return answer(400, error("INVALID_ARGUMENT", "progress must be at most "
                        + io.agentd.statemachine.model.Health.MAX_PROGRESS + " characters"));
            }
            String failure = health.report(who, status, progress);
            return failure == null ? answer(202, Map.of("accepted", true))
                    : answer(409, error("FAILED_PRECONDITION", failure));
        }));
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    private record Answer(int status, Object body) {
    }

    private static Answer answer(int status, Object body) {
        return new Answer(status, body);
    }

    private static Map<String, Object> error(String code, String message) {
        return Map.of("error", Map.of("code", code, "message", message));
    }

    private static Answer logs(HttpExchange ex, Path agentsDir) throws IOException {
        String[] parts = ex.getRequestURI().getPath().split("/");
        // ["", "v1", "logs", ns, name]
        if (parts.length != 5 || !parts[3].matches("[a-z0-9-]{1,63}") || !parts[4].matches("[a-z0-9-]{1,63}")) {
            return answer(404, error("NOT_FOUND", "no such path"));
        }
        int tail = 100;
        io.agentd.daemon.worker.process.LogFollow.Cursor cursor = null;
        String q = ex.getRequestURI().getRawQuery();
        for (String kv : q == null ? new String[0] : q.split("&")) {
            if (kv.startsWith("tail=")) {
                try {
                    tail = Math.max(1, Math.min(100_000, Integer.parseInt(kv.substring(5))));
                } catch (NumberFormatException e) {
                    return answer(400, error("INVALID_ARGUMENT", "tail must be a whole number"));
                }
            } else if (kv.startsWith("cursor=")) {
                try {
                    cursor = io.agentd.daemon.worker.process.LogFollow.Cursor.parse(kv.substring(7));
                } catch (IllegalArgumentException e) {
                    return answer(400, error("INVALID_ARGUMENT", e.getMessage()));
                }
            }
        }
        Path dir = agentsDir.resolve(parts[3]).resolve(parts[4]);
        if (!dir.toFile().isDirectory()) {
            return answer(404, error("NOT_FOUND", "no logs of " + parts[3] + "/" + parts[4] + " on this worker"));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        io.agentd.daemon.worker.process.LogFollow.Chunk chunk = null;
        if (cursor != null) {
            try {
                chunk = io.agentd.daemon.worker.process.LogFollow.after(dir, cursor, MAX_CHUNK);
            } catch (IllegalArgumentException e) {
                body.put("skipped", true); // a cursor from an earlier log in this place: start over with a tail
            }
        }
        if (chunk != null) {
            body.put("lines", chunk.lines());
            body.put("cursor", chunk.next().toString());
            body.put("skipped", chunk.skipped());
        } else {
            io.agentd.daemon.worker.process.LogFollow.Cursor end = io.agentd.daemon.worker.process.LogFollow.end(dir);
            body.put("lines", end == null ? List.of() : LogTail.lastLines(dir, tail, end.offset()));
            body.put("cursor", end == null ? "0:0" : end.toString());
            body.putIfAbsent("skipped", false);
        }
        return answer(200, body);
    }

    /** Bytes of log one follow-up read hands out at most. */
    static final int MAX_CHUNK = 1 << 20;

    private interface Work {
        Answer run() throws IOException;
    }

    private static void handle(HttpExchange ex, Work work) {
        try (ex) {
            Answer a;
            try {
                a = work.run();
            } catch (IOException | RuntimeException e) {
                LOG.warn("local API {} {}: {}", ex.getRequestMethod(), ex.getRequestURI(), e.toString());
                a = answer(500, error("INTERNAL", e.toString()));
            }
            byte[] bytes = JSON.writeValueAsBytes(a.body());
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(a.status(), bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        } catch (IOException e) {
            LOG.debug("local API answer failed: {}", e.toString());
        }
    }

    static URI logsUri(String workerAddress, String ns, String name, int tail) {
        return URI.create("http://" + workerAddress + "/v1/logs/" + ns + "/" + name + "?tail=" + tail);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
