package io.agentd.jepsen.workload;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentd.jepsen.harness.Deployment;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Unique spawns under faults, then one final linearizable list: every acknowledged spawn must be
 * there (no lost writes) and nothing may be there that was never sent. Spawns whose outcome is
 * unknown may be either. The agents carry a constraint no worker has, so they stay pending.
 */
public final class SetWorkload {
    static final String NAMESPACE = "jepsen-set";
    private final Deployment db;
    private final Client client;
    private final Writer history;
    private final Set<String> attempted = ConcurrentHashMap.newKeySet();
    private final Set<String> acked = ConcurrentHashMap.newKeySet();
    private final Set<String> unknown = ConcurrentHashMap.newKeySet();

    public SetWorkload(Deployment db, Client client, Path historyFile) throws IOException {
        this.db = db;
        this.client = client;
        this.history = Files.newBufferedWriter(historyFile);
    }

    public void setUp() throws InterruptedException {
        for (int attempt = 0; attempt < 60; attempt++) {
            Client.Outcome o = client.call("POST", db.url(1 + attempt % db.servers().size()) + "/v1/namespaces",
                    "{\"name\":\"" + NAMESPACE + "\"}");
            if (o instanceof Client.Answer a && (a.status() == 201 || a.status() == 200 || a.status() == 409)) {
                return;
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("could not create namespace " + NAMESPACE);
    }

    public Runnable clientThread(int thread, long endNanos, Latencies latencies) {
        return () -> {
            int node = 1 + thread % db.servers().size();
            for (int seq = 0; System.nanoTime() < endNanos; seq++) {
                String name = "s-" + thread + "-" + seq;
                attempted.add(name);
                long t0 = System.nanoTime();
                record(thread, "invoke", name);
                Client.Outcome o = client.call("POST", db.url(node) + "/v1/namespaces/" + NAMESPACE + "/agents",
                        "{\"name\":\"" + name + "\",\"spec\":{\"command\":\"/bin/true\","
                                + "\"constraints\":{\"jepsen\":\"never-placed\"}}}");
                long t1 = System.nanoTime();
                String kind;
                if (o instanceof Client.Answer a && (a.status() == 201 || a.status() == 200)) {
                    acked.add(name);
                    kind = "ok";
                } else if (o instanceof Client.NotSent || (o instanceof Client.Answer a && a.status() < 500)) {
                    kind = "fail";
                } else {
                    unknown.add(name);
                    kind = "info";
                }
                record(thread, kind, name);
                latencies.record(t0, t1, "spawn", kind);
                if (o instanceof Client.NotSent) {
                    pause(); // its server is down: do not spin
                }
            }
        };
    }

    static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized void record(int process, String type, String name) {
        try {
            history.write("{\"process\":" + process + ",\"type\":\"" + type + "\",\"f\":\"spawn\",\"value\":\""
                    + name + "\",\"time\":" + System.nanoTime() + "}\n");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The verdict: reads the final set from the leader (retried, bounded) and compares. */
    public Map<String, Object> check() throws InterruptedException, IOException {
        history.close();
        Set<String> present = null;
        String lastError = null;
        for (int attempt = 0; attempt < 60 && present == null; attempt++) {
            int node = 1 + attempt % db.servers().size();
            try {
                JsonNode list = db.get(node, "/v1/namespaces/" + NAMESPACE + "/agents?limit=100000",
                        java.time.Duration.ofSeconds(5));
                Set<String> s = new TreeSet<>();
                list.forEach(a -> s.add(a.path("name").asText()));
                present = s;
            } catch (RuntimeException e) {
                lastError = e.getMessage();
                Thread.sleep(500);
            }
        }
        Map<String, Object> v = new LinkedHashMap<>();
        if (present == null) {
            v.put("valid", false);
            v.put("error", "no final read: " + lastError);
            return v;
        }
        Set<String> lost = new TreeSet<>(acked);
        lost.removeAll(present);
        Set<String> unexpected = new TreeSet<>(present);
        unexpected.removeAll(attempted);
        Set<String> recovered = new TreeSet<>(unknown);
        recovered.retainAll(present);
        v.put("valid", lost.isEmpty() && unexpected.isEmpty());
        v.put("attempted", attempted.size());
        v.put("acknowledged", acked.size());
        v.put("indeterminate", unknown.size());
        v.put("indeterminatePresent", recovered.size());
        v.put("present", present.size());
        v.put("lost", List.copyOf(lost));
        v.put("unexpected", List.copyOf(unexpected));
        return v;
    }
}
