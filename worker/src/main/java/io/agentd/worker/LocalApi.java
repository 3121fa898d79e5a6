package io.agentd.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.agentd.client.AgentdException;
import io.agentd.client.WorkerLogSignature;
import io.agentd.worker.process.LogTail;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The worker's local API (loopback): the coordinators fetch agent logs through it, and each
 * agent saves and reads its checkpoint and reports its health, proving who it is with the secret
 * in its environment ({@code AGENTD_AGENT_SECRET}, sent as {@code Authorization: Bearer ...}).
 * <ul>
 *   <li>{@code GET /v1/logs/{ns}/{name}?tail=N}: the last N lines of the agent's log and a cursor
 *       after them; {@code ?cursor=C}: the lines after that cursor and the next one</li>
 *   <li>{@code PUT /v1/self/checkpoint} (agent): body = the checkpoint text, saved fenced by its token</li>
 *   <li>{@code GET /v1/self/checkpoint} (agent): the checkpoint it started with, or 404</li>
 *   <li>{@code PUT /v1/self/health} (agent): {@code {"status": "...", "progress": "..."}}</li>
 * </ul>
 *
 * <p>The coordinators own what a checkpoint or a health report may hold: this API forwards them
 * and answers with the coordinators' answer (their 400 for a checkpoint too large or an unknown
 * status word, their 409 for a stale token). Its only limit of its own is {@link #MAX_BODY}, a
 * cap on what one request may make the worker buffer. Answers may come later than the handler
 * returns: the exchange is closed when the worker's answer completes.
 */
final class LocalApi implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Largest request body read; a larger one is refused with 413 before it reaches the coordinators. */
    static final int MAX_BODY = 1 << 20;

    static {
        // The JDK's server writes an answer's headers and body apart; without TCP_NODELAY the body
        // waits for the client's delayed ACK on a keep-alive connection, which a reservation cannot
        // afford (docs/benchmarks.md, "Reservations answered from the worker's bucket"). Read once,
        // when the JDK's server is first used; nothing else in a worker uses it.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    /** What the worker tells the local API about the agent that holds {@code secret}. */
    record AgentIdentity(String secret, String namespace, String name, String checkpoint) {
    }

    /** The answer to one request: an HTTP status, a body written as JSON, and a Retry-After (seconds) or null. */
    record Answer(int status, Object body, Long retryAfterSeconds) {
        Answer(int status, Object body) {
            this(status, body, null);
        }

        static Answer error(int status, String code, String message) {
            return new Answer(status, Map.of("error", Map.of("code", code, "message", message)));
        }

        /** The coordinators' refusal as they gave it; 503 when none of them answered. */
        static Answer refused(AgentdException e) {
            return error(e.status() == 0 ? 503 : e.status(), e.code(), e.getMessage());
        }
    }

    /**
     * What the local API asks of the worker. Called on the local API's threads; the futures may
     * complete on any thread.
     */
    interface Agents {
        /** The agent that holds this secret, or null. */
        AgentIdentity identity(String secret);

        /** Saves the agent's checkpoint under the token it runs with. */
        CompletableFuture<Answer> saveCheckpoint(AgentIdentity who, String data);

        /** Forwards the agent's health report (status and progress as the agent sent them). */
        CompletableFuture<Answer> reportHealth(AgentIdentity who, String status, String progress);
    }

    private final HttpServer server;
    private final ExecutorService threads;

    /**
     * @param token the worker's token secret: logs are then served only to a request signed by a
     *              coordinator with its hash ({@link WorkerLogSignature}); null: to anyone who
     *              reaches the address (a worker without authentication)
     */
    LocalApi(InetSocketAddress bind, Path agentsDir, Agents agents, String token) throws IOException {
        this(bind, agentsDir, agents, token, null);
    }

    /** @param providers this worker's shares of provider limits, for its agents' reservations; null: none */
    LocalApi(InetSocketAddress bind, Path agentsDir, Agents agents, String token, ProviderShares providers)
            throws IOException {
        server = HttpServer.create(bind, 64);
        threads = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "worker-local-api");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(threads);
        server.createContext("/v1/logs/", ex -> handle(ex, () -> CompletableFuture.completedFuture(
                token != null && !signed(ex, token) ? Answer.error(401, "UNAUTHENTICATED",
                        "logs are served to the coordinators only: the request must carry their "
                                + WorkerLogSignature.HEADER)
                        : logs(ex, agentsDir))));
        server.createContext("/v1/self/checkpoint", ex -> handle(ex, () -> {
            AgentIdentity who = caller(ex, agents);
            if (who == null) {
                return unauthenticated();
            }
            if (ex.getRequestMethod().equals("GET")) {
                return done(who.checkpoint() == null ? Answer.error(404, "NOT_FOUND", "no checkpoint")
                        : new Answer(200, Map.of("data", who.checkpoint())));
            }
            if (!ex.getRequestMethod().equals("PUT")) {
                return done(Answer.error(405, "METHOD_NOT_ALLOWED", "GET or PUT"));
            }
            byte[] body = body(ex);
            if (body == null) {
                return tooLarge();
            }
            return agents.saveCheckpoint(who, new String(body, StandardCharsets.UTF_8));
        }));
        server.createContext("/v1/self/health", ex -> handle(ex, () -> {
            AgentIdentity who = caller(ex, agents);
            if (who == null) {
                return unauthenticated();
            }
            if (!ex.getRequestMethod().equals("PUT")) {
                return done(Answer.error(405, "METHOD_NOT_ALLOWED", "PUT"));
            }
            byte[] raw = body(ex);
            if (raw == null) {
                return tooLarge();
            }
            JsonNode body;
            try {
                body = JSON.readTree(raw);
            } catch (IOException e) {
                body = null;
            }
            if (body == null || !body.isObject()) {
                return done(Answer.error(400, "INVALID_ARGUMENT",
                        "body must be a JSON object: {\"status\": \"ok\", \"progress\": \"...\"}"));
            }
            return agents.reportHealth(who, body.path("status").asText(null), body.path("progress").asText(""));
        }));
        if (providers != null) {
            server.createContext("/v1/self/providers/", ex -> handle(ex, () -> {
                AgentIdentity who = caller(ex, agents);
                if (who == null) {
                    return unauthenticated();
                }
                if (!ex.getRequestMethod().equals("POST")) {
                    return done(Answer.error(405, "METHOD_NOT_ALLOWED", "POST"));
                }
                byte[] raw = body(ex);
                if (raw == null) {
                    return tooLarge();
                }
                return ProviderCalls.handle(providers, who, ex.getRequestURI().getRawPath(), raw);
            }));
        }
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    private static AgentIdentity caller(HttpExchange ex, Agents agents) {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        return auth != null && auth.startsWith("Bearer ") ? agents.identity(auth.substring(7)) : null;
    }

    private static CompletableFuture<Answer> done(Answer a) {
        return CompletableFuture.completedFuture(a);
    }

    private static CompletableFuture<Answer> unauthenticated() {
        return done(Answer.error(401, "UNAUTHENTICATED", "send the agent's AGENTD_AGENT_SECRET as a bearer token"));
    }

    private static CompletableFuture<Answer> tooLarge() {
        return done(Answer.error(413, "PAYLOAD_TOO_LARGE", "a request body is at most " + MAX_BODY + " bytes"));
    }

    /** The request body, or null when it is longer than {@link #MAX_BODY}. */
    private static byte[] body(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            byte[] body = in.readNBytes(MAX_BODY + 1);
            return body.length > MAX_BODY ? null : body;
        }
    }

    /** True when a coordinator signed this request with the hash of the worker's token. */
    private static boolean signed(HttpExchange ex, String token) {
        String query = ex.getRequestURI().getRawQuery();
        String target = ex.getRequestURI().getRawPath() + (query == null ? "" : "?" + query);
        return WorkerLogSignature.verify(ex.getRequestHeaders().getFirst(WorkerLogSignature.HEADER),
                ex.getRequestMethod(), target, System.currentTimeMillis(), token);
    }

    private static Answer logs(HttpExchange ex, Path agentsDir) throws IOException {
        String[] parts = ex.getRequestURI().getPath().split("/");
        // ["", "v1", "logs", ns, name]
        if (parts.length != 5 || !parts[3].matches("[a-z0-9-]{1,63}") || !parts[4].matches("[a-z0-9-]{1,63}")) {
            return Answer.error(404, "NOT_FOUND", "no such path");
        }
        int tail = 100;
        io.agentd.worker.process.LogFollow.Cursor cursor = null;
        String q = ex.getRequestURI().getRawQuery();
        for (String kv : q == null ? new String[0] : q.split("&")) {
            if (kv.startsWith("tail=")) {
                try {
                    tail = Math.max(1, Math.min(100_000, Integer.parseInt(kv.substring(5))));
                } catch (NumberFormatException e) {
                    return Answer.error(400, "INVALID_ARGUMENT", "tail must be a whole number");
                }
            } else if (kv.startsWith("cursor=")) {
                try {
                    cursor = io.agentd.worker.process.LogFollow.Cursor.parse(kv.substring(7));
                } catch (IllegalArgumentException e) {
                    return Answer.error(400, "INVALID_ARGUMENT", e.getMessage());
                }
            }
        }
        Path dir = agentsDir.resolve(parts[3]).resolve(parts[4]);
        if (!dir.toFile().isDirectory()) {
            return Answer.error(404, "NOT_FOUND", "no logs of " + parts[3] + "/" + parts[4] + " on this worker");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        io.agentd.worker.process.LogFollow.Chunk chunk = null;
        if (cursor != null) {
            try {
                chunk = io.agentd.worker.process.LogFollow.after(dir, cursor, MAX_CHUNK);
            } catch (IllegalArgumentException e) {
                body.put("skipped", true); // a cursor from an earlier log in this place: start over with a tail
            }
        }
        if (chunk != null) {
            body.put("lines", chunk.lines());
            body.put("cursor", chunk.next().toString());
            body.put("skipped", chunk.skipped());
        } else {
            io.agentd.worker.process.LogFollow.Cursor end = io.agentd.worker.process.LogFollow.end(dir);
            body.put("lines", end == null ? List.of() : LogTail.lastLines(dir, tail, end.offset()));
            body.put("cursor", end == null ? "0:0" : end.toString());
            body.putIfAbsent("skipped", false);
        }
        return new Answer(200, body);
    }

    /** Bytes of log one follow-up read hands out at most. */
    static final int MAX_CHUNK = 1 << 20;

    private interface Work {
        CompletableFuture<Answer> run() throws IOException;
    }

    /** Serves {@code GET /metrics}: the page {@code metrics} renders, open to whoever reaches the address. */
    void serveMetrics(java.util.function.Supplier<String> metrics, String contentType) {
        server.createContext("/metrics", ex -> {
            try (ex) {
                if (!ex.getRequestMethod().equals("GET")) {
                    respond(ex, Answer.error(405, "METHOD_NOT_ALLOWED", "GET"));
                    return;
                }
                byte[] bytes = metrics.get().getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().set("Content-Type", contentType);
                ex.sendResponseHeaders(200, bytes.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(bytes);
                }
            } catch (IOException | RuntimeException e) {
                LOG.debug("local API /metrics failed: {}", e.toString());
            }
        });
    }

    /** Runs the request and writes its answer when it completes (maybe on another thread). */
    private static void handle(HttpExchange ex, Work work) {
        CompletableFuture<Answer> answer;
        try {
            answer = work.run();
        } catch (IOException | RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        answer.whenComplete((a, error) -> respond(ex, a != null ? a : failed(ex, error)));
    }

    private static Answer failed(HttpExchange ex, Throwable error) {
        LOG.warn("local API {} {}: {}", ex.getRequestMethod(), ex.getRequestURI(), String.valueOf(error));
        return Answer.error(500, "INTERNAL", String.valueOf(error));
    }

    private static void respond(HttpExchange ex, Answer a) {
        try (ex) {
            byte[] bytes = JSON.writeValueAsBytes(a.body());
            ex.getResponseHeaders().set("Content-Type", "application/json");
            if (a.retryAfterSeconds() != null) {
                ex.getResponseHeaders().set("Retry-After", Long.toString(a.retryAfterSeconds()));
            }
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
        threads.shutdownNow();
    }
}
