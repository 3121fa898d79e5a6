package io.agentd.jepsen.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeSet;

/**
 * The system under test: {@code servers} agentd servers on hosts 1..servers and {@code workers}
 * agentd workers on the hosts after them, started from the daemon jar, each with its own data
 * dir and log in the run folder. The API, Raft and fast failover use TLS, with certificates that
 * {@code agentd tls init} makes in the run folder ({@link ClusterTls}); {@link #clientContext} trusts them.
 */
public final class Deployment implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Network net;
    private final Path dir;
    private final List<NodeProcess> servers = new ArrayList<>();
    private final List<NodeProcess> workers = new ArrayList<>();
    private final ClusterTls tls;
    private final HttpClient http;
    /** Where the admin token and each worker's token are kept (mode 0600). */
    private final Path tokens;
    private final String adminToken;

    /** Debian's libfaketime: with it, each server's wall clock can be skewed (clock nemesis). */
    public static final Path FAKETIME = Path.of("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1");
    private final List<Path> clocks = new ArrayList<>();

    /** True when the servers run under libfaketime, so {@link #skewClock} works. */
    public boolean clockFaults() {
        return !clocks.isEmpty();
    }

    /**
     * Sets server {@code i}'s wall clock {@code seconds} off the real one (0: back in step). Only the
     * wall clock: the monotonic clock (leases, timeouts) stays true, as it does on real machines.
     */
    public void skewClock(int server, long seconds) throws IOException {
        java.nio.file.Files.writeString(clocks.get(server - 1), (seconds >= 0 ? "+" : "") + seconds + "s\n");
    }

    public Deployment(Network net, Path jar, Path dir, int serverCount, int workerCount, List<String> serverFlags,
                      List<String> workerFlags, Duration workerTtl, int workerSlots) throws IOException {
        this.net = net;
        this.dir = dir;
        Set<String> hosts = new TreeSet<>();
        for (int i = 1; i <= serverCount; i++) {
            hosts.add(net.address(i));
        }
        this.tls = ClusterTls.init(jar, dir.resolve("tls"), serverCount, List.copyOf(hosts));
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).sslContext(tls.clientContext())
                .build();
        StringJoiner peers = new StringJoiner(",");
        StringJoiner peerHttp = new StringJoiner(",");
        for (int i = 1; i <= serverCount; i++) {
            peers.add("n" + i + "=" + net.address(i) + ":" + net.port(i, "raft"));
            peerHttp.add("n" + i + "=" + net.address(i) + ":" + net.port(i, "http"));
        }
        this.tokens = dir.resolve("tokens");
        this.adminToken = writeAdminToken(tokens);
        for (int i = 1; i <= serverCount; i++) {
            List<String> args = new ArrayList<>(List.of("server", "--node-id", "n" + i,
                    // The first leader makes this the admin token; workers get theirs from it (start()).
                    "--bootstrap-token-file", tokens.resolve("admin").toString(),
                    "--data-dir", dir.resolve("n" + i).toString(),
                    "--http-addr", net.address(i) + ":" + net.port(i, "http"),
                    "--raft-addr", net.address(i) + ":" + net.port(i, "raft"),
                    "--peers", peers.toString(),
                    // Also turns on fast failover: a crashed leader is replaced without waiting out the timeout.
                    "--peer-http", peerHttp.toString(),
                    "--worker-ttl", workerTtl.toMillis() + "ms",
                    "--election-timeout-min", "500ms", "--election-timeout-max", "1000ms",
                    "--request-timeout", "5s"));
            args.addAll(tls.serverFlags("n" + i));
            args.addAll(serverFlags);
            List<String> cmd = NodeProcess.agentd(jar, List.of(), args);
            if (java.nio.file.Files.exists(FAKETIME)) {
                Path clock = dir.resolve("clock-n" + i);
                try {
                    java.nio.file.Files.createDirectories(dir);
                    java.nio.file.Files.writeString(clock, "+0s\n");
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                clocks.add(clock);
                List<String> wrapped = new ArrayList<>(List.of("env", "LD_PRELOAD=" + FAKETIME,
                        "FAKETIME_TIMESTAMP_FILE=" + clock, "DONT_FAKE_MONOTONIC=1", "FAKETIME_CACHE_DURATION=1",
                        // Without this, libfaketime's fix for timed waits makes an idle JVM spin on its CPU.
                        "FAKETIME_FORCE_MONOTONIC_FIX=0"));
                wrapped.addAll(cmd);
                cmd = wrapped;
            }
            servers.add(new NodeProcess("n" + i, i, net.onHost(i, cmd), dir.resolve("logs").resolve("n" + i + ".log")));
        }
        StringJoiner urls = new StringJoiner(",");
        for (int i = 1; i <= serverCount; i++) {
            urls.add(url(i));
        }
        for (int k = 1; k <= workerCount; k++) {
            int host = serverCount + k;
            List<String> args = new ArrayList<>(List.of("worker", "--servers", urls.toString(), "--worker-id", "w" + k,
                    "--data-dir", dir.resolve("w" + k).toString(),
                    "--local-api", net.address(host) + ":" + net.port(host, "local"),
                    "--slots", Integer.toString(workerSlots), "--heartbeat-interval", "300ms", "--fence-margin", "1s", "--stop-grace", "500ms",
                    "--token-file", tokens.resolve("w" + k).toString()));
            args.addAll(tls.workerFlags());
            args.addAll(workerFlags);
            workers.add(new NodeProcess("w" + k, host, net.onHost(host, NodeProcess.agentd(jar, List.of(), args)),
                    dir.resolve("logs").resolve("w" + k + ".log")));
        }
    }

    public Network network() {
        return net;
    }

    public List<NodeProcess> servers() {
        return servers;
    }

    public List<NodeProcess> workers() {
        return workers;
    }

    public String url(int server) {
        return "https://" + net.address(server) + ":" + net.port(server, "http");
    }

    /** A TLS context that trusts the servers' certificates, for the workloads' clients. */
    public javax.net.ssl.SSLContext clientContext() {
        return tls.clientContext();
    }

    /** The admin token's secret: what the workloads and this harness send. */
    public String adminToken() {
        return adminToken;
    }

    /**
     * Starts the servers, waits (bounded) until they are ready, gives each worker a token of its
     * own (once: a restarted worker keeps its file), then starts the workers.
     */
    public void start() throws IOException, InterruptedException {
        for (NodeProcess s : servers) {
            s.start();
        }
        awaitReady(Duration.ofSeconds(120));
        for (int k = 1; k <= workers.size(); k++) {
            Path file = tokens.resolve("w" + k);
            if (!java.nio.file.Files.exists(file)) {
                writeSecret(file, createWorkerToken("w" + k, Duration.ofSeconds(60)));
            }
        }
        for (NodeProcess w : workers) {
            w.start();
        }
    }

    /** A worker token for {@code workerId}, made on whichever server leads; throws after {@code bound}. */
    private String createWorkerToken(String workerId, Duration bound) throws InterruptedException {
        long end = System.nanoTime() + bound.toNanos();
        String body = "{\"role\":\"worker\",\"workerId\":\"" + workerId + "\",\"description\":\"jepsen " + workerId
                + "\"}";
        String last = "no server answered";
        while (System.nanoTime() < end) {
            for (int i = 1; i <= servers.size(); i++) {
                try {
                    HttpResponse<String> r = http.send(authorized(HttpRequest.newBuilder(URI.create(url(i) + "/v1/tokens")))
                            .timeout(Duration.ofSeconds(5)).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 201) {
                        return JSON.readTree(r.body()).path("secret").asText();
                    }
                    last = "n" + i + ": " + r.statusCode() + " " + r.body();
                } catch (IOException e) {
                    last = "n" + i + ": " + e;
                }
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("could not make a token for worker " + workerId + " within " + bound + ": " + last);
    }

    /**
     * Replaces server {@code i} as an operator replaces a member: removes it from the group
     * (leadership moves off it first if it leads), stops it, wipes its data dir, starts it again
     * on the empty dir with {@code --join} (a new member with the same id and addresses), adds it
     * (a learner) and waits until the leader has made it a voter. Every step is bounded; a step
     * that fails throws, and the timeline notes it.
     */
    public void replaceServer(int i, Duration bound) throws IOException, InterruptedException {
        long end = System.nanoTime() + bound.toNanos();
        NodeProcess node = servers.get(i - 1);
        String id = "n" + i;
        retry(end, "remove " + id, other -> send(other, "DELETE", "/v1/cluster/members/" + id, null), 200, 404);
        // Its data is wiped only once the group no longer counts it: a voter without its log must never vote.
        retry(end, id + " removed", other -> {
            if (other == i) {
                throw new IOException("ask another server");
            }
            HttpResponse<String> r = send(other, "GET", "/v1/cluster/members", null);
            if (r.statusCode() != 200) {
                return r;
            }
            for (JsonNode m : JSON.readTree(r.body())) {
                if (m.path("id").asText().equals(id)) {
                    throw new IOException(id + " is still a member: " + r.body());
                }
            }
            return r;
        }, 200);
        node.kill();
        deleteTree(dir.resolve(id));
        List<String> cmd = new ArrayList<>(node.command());
        int peers = cmd.indexOf("--peers");
        StringJoiner join = new StringJoiner(",");
        for (int k = 1; k <= servers.size(); k++) {
            if (k != i) {
                join.add(url(k));
            }
        }
        if (peers >= 0) {
            cmd.remove(peers + 1);
            cmd.set(peers, "--join");
            cmd.add(peers + 1, join.toString());
        }
        node.command(cmd);
        node.start();
        String body = "{\"id\":\"" + id + "\",\"raftAddress\":\"" + net.address(i) + ":" + net.port(i, "raft")
                + "\",\"httpAddress\":\"" + net.address(i) + ":" + net.port(i, "http") + "\"}";
        retry(end, "add " + id, other -> send(other, "POST", "/v1/cluster/members", body), 200);
        retry(end, id + " votes", other -> {
            HttpResponse<String> r = send(other, "GET", "/v1/cluster/members", null);
            JsonNode members = JSON.readTree(r.body());
            for (JsonNode m : members) {
                if (m.path("id").asText().equals(id) && !m.path("role").asText().equals("learner")) {
                    return r;
                }
            }
            throw new IOException(id + " is not a voter yet: " + r.body());
        }, 200);
    }

    @FunctionalInterface
    private interface Call {
        HttpResponse<String> send(int server) throws IOException, InterruptedException;
    }

    /** Tries {@code call} on each server but the replaced one in turn until one answers an expected status. */
    private void retry(long end, String what, Call call, int... expected) throws IOException, InterruptedException {
        String last = "nothing tried";
        while (System.nanoTime() < end) {
            for (int k = 1; k <= servers.size(); k++) {
                try {
                    HttpResponse<String> r = call.send(k);
                    for (int e : expected) {
                        if (r.statusCode() == e) {
                            return;
                        }
                    }
                    last = "n" + k + ": " + r.statusCode() + " " + r.body();
                } catch (IOException e) {
                    last = "n" + k + ": " + e.getMessage();
                }
            }
            Thread.sleep(500);
        }
        throw new IOException(what + " did not happen in time: " + last);
    }

    private HttpResponse<String> send(int server, String method, String path, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = authorized(HttpRequest.newBuilder(URI.create(url(server) + path)))
                .timeout(Duration.ofSeconds(20));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void deleteTree(Path root) throws IOException {
        if (!java.nio.file.Files.exists(root)) {
            return;
        }
        try (var files = java.nio.file.Files.walk(root)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.delete(f);
            }
        }
    }

    private HttpRequest.Builder authorized(HttpRequest.Builder b) {
        return b.header("Authorization", "Bearer " + adminToken);
    }

    private static String writeAdminToken(Path dir) {
        byte[] random = new byte[32];
        new java.security.SecureRandom().nextBytes(random);
        String secret = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        writeSecret(dir.resolve("admin"), secret);
        return secret;
    }

    /** A secret in a file only its owner reads. */
    private static void writeSecret(Path file, String secret) {
        try {
            java.nio.file.Files.createDirectories(file.getParent());
            java.nio.file.Files.writeString(java.nio.file.Files.createFile(file,
                    java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                            java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"))), secret + "\n");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot write " + file, e);
        }
    }

    /** Waits (bounded) until every server is ready and a leader is known; throws naming what is missing. */
    public void awaitReady(Duration bound) throws InterruptedException {
        long end = System.nanoTime() + bound.toNanos();
        for (int i = 1; i <= servers.size(); i++) {
            while (status(i, "/health/ready") != 200) {
                if (System.nanoTime() > end) {
                    throw new IllegalStateException("server n" + i + " not ready within " + bound);
                }
                Thread.sleep(200);
            }
        }
    }

    /** The index of the leader as some server sees it, or -1. */
    public int leader() {
        for (int i = 1; i <= servers.size(); i++) {
            try {
                JsonNode s = get(i, "/v1/cluster/status?stale=true", Duration.ofSeconds(1));
                String id = s.path("leader").asText("");
                if (id.startsWith("n")) {
                    return Integer.parseInt(id.substring(1));
                }
            } catch (RuntimeException e) {
                // try the next one
            }
        }
        return -1;
    }

    /**
     * The names of the workers the coordinators say run at least one agent now (a stale read of
     * whichever server answers first), or none when no server answers.
     */
    public Set<String> workersWithAgents() {
        for (int i = 1; i <= servers.size(); i++) {
            try {
                JsonNode ws = get(i, "/v1/workers?stale=true", Duration.ofSeconds(1));
                Set<String> out = new TreeSet<>();
                for (JsonNode w : ws) {
                    if (w.path("agents").asInt(0) > 0) {
                        out.add(w.path("id").asText());
                    }
                }
                return out;
            } catch (RuntimeException e) {
                // try the next one
            }
        }
        return Set.of();
    }

    public int status(int server, String path) {
        try {
            return http.send(authorized(HttpRequest.newBuilder(URI.create(url(server) + path)))
                    .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /** GET as JSON; throws on any failure. */
    public JsonNode get(int server, String path, Duration timeout) {
        try {
            HttpResponse<String> r = http.send(authorized(HttpRequest.newBuilder(URI.create(url(server) + path)))
                    .timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("GET " + path + " on n" + server + ": " + r.statusCode() + " " + r.body());
            }
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new IllegalStateException("GET " + path + " on n" + server + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }

    /** POST without a body; the status and the answer as JSON (null when not JSON); throws when there is no answer. */
    public Map.Entry<Integer, JsonNode> post(int server, String path, Duration timeout) {
        try {
            HttpResponse<String> r = http.send(authorized(HttpRequest.newBuilder(URI.create(url(server) + path)))
                    .POST(HttpRequest.BodyPublishers.noBody()).timeout(timeout).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode body;
            try {
                body = JSON.readTree(r.body());
            } catch (IOException e) {
                body = null;
            }
            return Map.entry(r.statusCode(), body);
        } catch (IOException e) {
            throw new IllegalStateException("POST " + path + " on n" + server + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }

    @Override
    public void close() {
        net.heal();
        for (NodeProcess p : workers) {
            try {
                p.kill();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (NodeProcess p : servers) {
            try {
                p.kill();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
