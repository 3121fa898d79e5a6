package io.agentd.jepsen.workload;

import io.agentd.jepsen.harness.Deployment;
import io.agentd.jepsen.history.JsonLinesHistoryWriter;
import io.agentd.jepsen.model.RegisterInput;
import io.agentd.jepsen.model.RegisterOutput;
import io.agentd.jepsen.model.RegisterValue;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/**
 * Concurrent reads, writes and compare-and-sets on metadata keys of one agent, each key a
 * register. Values are unique per write, and a metadata entry's version is the revision of the
 * write that set it, so "if the version is still V" (the API's compare-and-set) is the same as
 * "if the value is still the one written at V": a cas from A to B is sent as {@code ifVersion}
 * of A, which the client learnt from a read or its own write. Each client thread talks to one
 * server; after an indeterminate op it continues as a new process, as in Jepsen.
 */
public final class RegisterWorkload {
    static final String AGENT = "jepsen-register";
    private final Deployment db;
    private final Client client;
    private final JsonLinesHistoryWriter history;
    private final int keys;

    public RegisterWorkload(Deployment db, Client client, JsonLinesHistoryWriter history, int keys) {
        this.db = db;
        this.client = client;
        this.history = history;
        this.keys = keys;
    }

    /** Creates the agent that holds the registers (retried until it exists; bounded). */
    public void setUp() throws InterruptedException {
        String body = "{\"name\":\"" + AGENT + "\",\"spec\":{\"command\":\"/bin/true\","
                + "\"constraints\":{\"jepsen\":\"never-placed\"}}}";
        for (int attempt = 0; attempt < 60; attempt++) {
            int node = 1 + attempt % db.servers().size();
            Client.Outcome o = client.call("POST", db.url(node) + "/v1/namespaces/default/agents", body);
            if (o instanceof Client.Answer a && (a.status() == 201 || a.status() == 200)) {
                return;
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("could not create agent " + AGENT);
    }

    /** One client thread: runs ops until {@code endNanos}. */
    public Runnable clientThread(int thread, int threads, long seed, long endNanos, Latencies latencies) {
        return () -> {
            Random random = new Random(seed * 31 + thread);
            int node = 1 + thread % db.servers().size();
            int process = thread;
            int seq = 0;
            Map<String, Long> knownVersion = new HashMap<>(); // key -> version of knownValue
            Map<String, String> knownValue = new HashMap<>();
            while (System.nanoTime() < endNanos) {
                String key = "k" + random.nextInt(keys);
                int dice = random.nextInt(4);
                RegisterInput in;
                String method;
                String path = db.url(node) + "/v1/namespaces/default/agents/" + AGENT + "/metadata/" + key;
                String body = null;
                if (dice < 2 || (dice == 3 && !knownVersion.containsKey(key))) {
                    in = new RegisterInput.Read(key);
                    method = "GET";
                } else {
                    String v = "p" + process + "-" + (seq++);
                    if (dice == 2) {
                        in = new RegisterInput.Write(key, RegisterValue.of(v));
                        body = "{\"value\":\"" + v + "\"}";
                    } else {
                        in = new RegisterInput.Cas(key, RegisterValue.of(knownValue.get(key)), RegisterValue.of(v));
                        body = "{\"value\":\"" + v + "\",\"ifVersion\":" + knownVersion.get(key) + "}";
                    }
                    method = "PUT";
                }
                long t0 = System.nanoTime();
                history.invoke(process, in, t0);
                Client.Outcome o = client.call(method, path, body);
                long t1 = System.nanoTime();
                String kind;
                if (in instanceof RegisterInput.Read) {
                    if (o instanceof Client.Answer a && a.status() == 200) {
                        history.ok(process, in, RegisterOutput.read(RegisterValue.of(a.body().path("value").asText())), t1);
                        knownValue.put(key, a.body().path("value").asText());
                        knownVersion.put(key, a.body().path("version").asLong());
                        kind = "ok";
                    } else if (o instanceof Client.Answer a && a.status() == 404
                            && "NOT_FOUND".equals(a.code()) && a.body().path("error").path("message").asText()
                            .contains("metadata")) {
                        history.ok(process, in, RegisterOutput.read(RegisterValue.ABSENT), t1);
                        knownVersion.remove(key);
                        kind = "ok";
                    } else {
                        history.fail(process, in, t1); // a read changes nothing: a failed one is dropped
                        kind = "fail";
                    }
                } else if (o instanceof Client.Answer a && a.status() == 200) {
                    history.ok(process, in, RegisterOutput.Done.OK, t1);
                    String v = in instanceof RegisterInput.Write w ? w.value().text()
                            : ((RegisterInput.Cas) in).replacement().text();
                    knownValue.put(key, v);
                    knownVersion.put(key, a.body().path("version").asLong());
                    kind = "ok";
                } else if (o instanceof Client.NotSent
                        || (o instanceof Client.Answer a && a.status() >= 400 && a.status() < 500)) {
                    history.fail(process, in, t1); // refused (409 version mismatch) or never sent
                    kind = "fail";
                } else {
                    history.info(process, in, t1); // timed out or 5xx: it may still take effect
                    process += threads; // a new process, as Jepsen does after :info
                    kind = "info";
                }
                latencies.record(t0, t1, in instanceof RegisterInput.Read ? "read" : "write", kind);
                if (o instanceof Client.NotSent) {
                    SetWorkload.pause(); // its server is down: do not spin
                }
            }
        };
    }

    public void close() throws IOException {
        history.close();
    }
}
