package io.agentd.daemon.it;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Plays a worker daemon over the API for coordinator tests: reports its agents running,
 * and for a migrating agent saves a checkpoint and reports it stopped.
 */
final class FakeWorker implements AutoCloseable {
    private final Http http;
    private final String id;
    private final AtomicBoolean run = new AtomicBoolean(true);
    private final Thread thread;

    FakeWorker(String url, String id) {
        this.http = new Http(url);
        this.id = id;
        this.thread = new Thread(this::loop, "fake-worker-" + id);
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        long end = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (run.get() && System.nanoTime() < end) {
            try {
                for (JsonNode a : http.get("/v1/agents?worker=" + id).json()) {
                    String path = "/v1/namespaces/" + a.path("namespace").asText() + "/agents/" + a.path("name").asText();
                    long token = a.path("fencingToken").asLong();
                    switch (a.path("state").asText()) {
                        case "starting" -> http.post(path + "/status",
                                "{\"fencingToken\":" + token + ",\"state\":\"running\"}");
                        case "migrating", "stopping" -> {
                            http.put(path + "/checkpoint", "{\"fencingToken\":" + token
                                    + ",\"data\":\"{\\\"from\\\":\\\"" + id + "\\\"}\"}");
                            http.post(path + "/status", "{\"fencingToken\":" + token + ",\"state\":\"stopped\",\"exitCode\":0}");
                        }
                        default -> { }
                    }
                }
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // keep playing
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        run.set(false);
        thread.join(10_000);
    }
}
