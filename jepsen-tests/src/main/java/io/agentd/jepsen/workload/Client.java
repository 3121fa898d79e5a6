package io.agentd.jepsen.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * One HTTP call of a workload, classified the way a history needs it: an answer (with status),
 * a call that surely never reached the server (connection refused or not made), or an
 * indeterminate one (timed out or cut mid-way: it may have taken effect).
 */
public final class Client {
    static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http;
    private final Duration timeout;
    private final String token;

    /**
     * @param tls   the TLS context of https URLs (the run's CA)
     * @param token the bearer token sent with every call
     */
    public Client(Duration timeout, SSLContext tls, String token) {
        this.timeout = timeout;
        this.token = token;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1)
                .sslContext(tls).build();
    }

    /** What came of a call. */
    public sealed interface Outcome {
    }

    public record Answer(int status, JsonNode body) implements Outcome {
        public String code() {
            return body.path("error").path("code").asText("");
        }
    }

    /** The request was never delivered: it cannot have taken effect. */
    public record NotSent(String why) implements Outcome {
    }

    /** No answer: it may or may not have taken effect. */
    public record Unknown(String why) implements Outcome {
    }

    public Outcome call(String method, String url, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                .header("Authorization", "Bearer " + token);
        if (body != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body());
            return new Answer(r.statusCode(), json);
        } catch (ConnectException | HttpConnectTimeoutException e) {
            return new NotSent(e.toString());
        } catch (IOException e) {
            return new Unknown(e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Unknown("interrupted");
        }
    }
}
