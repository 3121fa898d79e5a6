package io.agentd.daemon.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.agentd.client.api.AgentSpecView;
import io.agentd.client.api.SpawnRequest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Spawns, {@code POST /v1/namespaces/{ns}/agents}, past the general route machinery: under write
 * load they are most of a leader's requests. The request is recognised from its URI alone (no
 * router, no query decoding), and its body is read with Jackson's streaming parser instead of
 * the reflective record reader. From there it is the route's own code
 * ({@link ApiRoutes#spawn(ApiRequest, SpawnRequest)}): validation, the write, the answer.
 *
 * <p>It reads only what it reads exactly as {@code Json.read(body, SpawnRequest.class)} does:
 * fields of the expected JSON types (strings as strings, {@code slots} as a JSON int). Anything
 * else (a query string, a percent-encoded or invalid namespace, a null, another type, an unknown
 * or repeated field, malformed JSON, trailing data) goes the general way, which gives its own
 * answer or error message. Same parser factory as {@link Json}, so the same strictness.
 */
final class SpawnFastPath {
    static final String TEMPLATE = "/v1/namespaces/{ns}/agents";
    /** Who may spawn: the general route's guard. */
    static final Guard GUARD = Guard.operates(q -> q.param("ns"));
    private static final String PREFIX = "/v1/namespaces/";
    private static final String SUFFIX = "/agents";
    private static final int MAX_NAMESPACE = 63; // Names.namespace: a DNS label

    /** A spawn whose body has been read: {@link ApiRoutes#spawn(ApiRequest, SpawnRequest)}. */
    @FunctionalInterface
    interface Spawner {
        CompletableFuture<ApiResponse> spawn(ApiRequest request, SpawnRequest body);
    }

    private SpawnFastPath() {
    }

    /**
     * The namespace when {@code uri} is exactly {@code /v1/namespaces/{ns}/agents} with a
     * namespace of 1-63 of a-z, 0-9 and '-' (nothing to decode); null otherwise.
     */
    static String namespace(String uri) {
        if (!uri.startsWith(PREFIX) || !uri.endsWith(SUFFIX)) {
            return null;
        }
        int from = PREFIX.length();
        int to = uri.length() - SUFFIX.length();
        if (to - from < 1 || to - from > MAX_NAMESPACE) {
            return null;
        }
        for (int i = from; i < to; i++) {
            char c = uri.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
                return null;
            }
        }
        return uri.substring(from, to);
    }

    /** {@link #read(byte[])} of a request body. */
    static SpawnRequest read(ByteBuf body) {
        if (body.readableBytes() == 0) {
            return null;
        }
        return read(ByteBufUtil.getBytes(body, body.readerIndex(), body.readableBytes(), false));
    }

    /**
     * The body as {@code Json.read(body, SpawnRequest.class)} reads it, when it has the plain
     * shape; null when it has not (then that reader decides, and names any problem).
     */
    static SpawnRequest read(byte[] body) {
        try (JsonParser p = Json.MAPPER.getFactory().createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            String name = null;
            AgentSpecView spec = null;
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                if (field.equals("name") && v == JsonToken.VALUE_STRING) {
                    name = p.getText();
                } else if (field.equals("spec") && v == JsonToken.START_OBJECT) {
                    spec = spec(p);
                    if (spec == null) {
                        return null;
                    }
                } else {
                    return null;
                }
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
                return null;
            }
            return new SpawnRequest(name, spec);
        } catch (IOException | RuntimeException e) {
            return null; // malformed, a repeated field (strict duplicate detection): the general reader says what
        }
    }

    private static AgentSpecView spec(JsonParser p) throws IOException {
        String command = null;
        String workingDir = null;
        String restart = null;
        Integer slots = null;
        List<String> args = null;
        Map<String, String> env = null;
        Map<String, String> labels = null;
        Map<String, String> constraints = null;
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            switch (field) {
                case "command" -> {
                    if (v != JsonToken.VALUE_STRING) {
                        return null;
                    }
                    command = p.getText();
                }
                case "workingDir" -> {
                    if (v != JsonToken.VALUE_STRING) {
                        return null;
                    }
                    workingDir = p.getText();
                }
                case "restart" -> {
                    if (v != JsonToken.VALUE_STRING) {
                        return null;
                    }
                    restart = p.getText();
                }
                case "slots" -> {
                    if (v != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT) {
                        return null;
                    }
                    slots = p.getIntValue();
                }
                case "args" -> {
                    if (v != JsonToken.START_ARRAY) {
                        return null;
                    }
                    args = new ArrayList<>();
                    while ((t = p.nextToken()) == JsonToken.VALUE_STRING) {
                        args.add(p.getText());
                    }
                    if (t != JsonToken.END_ARRAY) {
                        return null;
                    }
                }
                case "env" -> {
                    if ((env = stringMap(p, v)) == null) {
                        return null;
                    }
                }
                case "labels" -> {
                    if ((labels = stringMap(p, v)) == null) {
                        return null;
                    }
                }
                case "constraints" -> {
                    if ((constraints = stringMap(p, v)) == null) {
                        return null;
                    }
                }
                default -> {
                    return null;
                }
            }
        }
        return t == JsonToken.END_OBJECT
                ? new AgentSpecView(command, args, env, workingDir, slots, labels, constraints, restart) : null;
    }

    /** An object of string values, in order; null when it is anything else. */
    private static Map<String, String> stringMap(JsonParser p, JsonToken start) throws IOException {
        if (start != JsonToken.START_OBJECT) {
            return null;
        }
        Map<String, String> m = new LinkedHashMap<>();
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            if (p.nextToken() != JsonToken.VALUE_STRING) {
                return null;
            }
            m.put(key, p.getText());
        }
        return t == JsonToken.END_OBJECT ? m : null;
    }
}
