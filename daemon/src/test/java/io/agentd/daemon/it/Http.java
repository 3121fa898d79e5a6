package io.agentd.daemon.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A tiny raw HTTP helper for tests that must send exactly the bytes they mean. */
final class Http {
    /**
     * A sample's value in a Prometheus text page ({@code name} with its labels as written, e.g.
     * {@code agentd_http_errors_total{status="429"}}), or NaN when it is absent. Values are doubles
     * ({@code 0.0}, {@code 1.6777216E7}), as the Prometheus client writes them.
     */
    static double metric(String page, String name) {
        for (String line : page.lines().toList()) {
            if (line.startsWith(name + " ")) {
                return Double.parseDouble(line.substring(name.length() + 1).trim().split(" ")[0]);
            }
        }
        return Double.NaN;
    }

    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    record Answer(int status, String body, java.net.http.HttpHeaders headers) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + body, e);
            }
        }

        String errorCode() {
            return json().path("error").path("code").asText();
        }

        String errorMessage() {
            return json().path("error").path("message").asText();
        }

        long revision() {
            return Long.parseLong(headers.firstValue("X-Agentd-Revision").orElse("-1"));
        }
    }

    private final String base;
    private final HttpClient client;
    private final String token;

    Http(String base) {
        this(base, CLIENT, null);
    }

    /** Sends {@code Authorization: Bearer TOKEN} with every request (null: none). */
    Http(String base, String token) {
        this(base, CLIENT, token);
    }

    Http(String base, HttpClient client) {
        this(base, client, null);
    }

    Http(String base, HttpClient client, String token) {
        this.base = base;
        this.client = client;
        this.token = token;
    }

    /** The same server as another caller. */
    Http as(String otherToken) {
        return new Http(base, client, otherToken);
    }

    Answer send(String method, String path, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body(), r.headers());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(method + " " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Answer get(String path) {
        return send("GET", path, null);
    }

    Answer post(String path, String body, String... headers) {
        return send("POST", path, body, headers);
    }

    Answer put(String path, String body) {
        return send("PUT", path, body);
    }

    Answer delete(String path) {
        return send("DELETE", path, null);
    }
}
