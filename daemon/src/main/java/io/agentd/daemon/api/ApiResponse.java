package io.agentd.daemon.api;

import java.util.Map;

/**
 * An answer: a status, a body (serialized as JSON, or sent as is when it is a {@link Text} or
 * {@link RawJson}) and extra headers.
 */
public record ApiResponse(int status, Object body, Map<String, String> headers) {
    public record Text(String contentType, String text) {
    }

    /** A body of bytes sent as they are. */
    public record Bytes(String contentType, byte[] bytes) {
    }

    /**
     * A body that writes itself as JSON: what {@link Json#write} would give for its view, written
     * when the answer is sent (on the connection's event loop, not on the thread that completed
     * the request), straight into the connection's buffer.
     */
    public record RawJson(Writer writer) {
        /** Writes one JSON value. */
        @FunctionalInterface
        public interface Writer {
            void write(com.fasterxml.jackson.core.JsonGenerator g) throws java.io.IOException;
        }
    }

    public static ApiResponse ok(Object body) {
        return new ApiResponse(200, body, Map.of());
    }

    public static ApiResponse created(Object body) {
        return new ApiResponse(201, body, Map.of());
    }

    public ApiResponse withHeader(String name, String value) {
        java.util.Map<String, String> h = new java.util.LinkedHashMap<>(headers);
        h.put(name, value);
        return new ApiResponse(status, body, h);
    }
}
