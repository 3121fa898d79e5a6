package io.agentd.daemon.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One {@code agentd server} as a real OS process on loopback, for integration tests.
 * Output goes to a log file in its data dir, which tests print when they fail.
 */
final class ServerProcess implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final String id;
    final int httpPort;
    final int raftPort;
    final Path dataDir;
    private final List<String> extraArgs;
    /** The cluster's certificates when this server uses TLS, else null. */
    private final TestTls tls;
    private final HttpClient http;
    private String peers;
    private String peerHttp;
    private Process process;
    /** The build it runs: this test's classpath unless {@link #classpath(String)} names another. */
    private String classpath = System.getProperty("java.class.path");
    private List<String> jvmFlags = List.of();

    ServerProcess(String id, Path dataDir, List<String> extraArgs) {
        this(id, dataDir, extraArgs, null);
    }

    /** @param tls the cluster's certificates: the server then uses TLS on its API and Raft (null: plain) */
    ServerProcess(String id, Path dataDir, List<String> extraArgs, TestTls tls) {
        this.id = id;
        this.httpPort = Ports.free();
        this.raftPort = Ports.free();
        this.dataDir = dataDir;
        this.extraArgs = extraArgs;
        this.tls = tls;
        this.http = tls == null ? HTTP : tls.httpClient(Duration.ofSeconds(2));
    }

    String url() {
        return (tls == null ? "http" : "https") + "://127.0.0.1:" + httpPort;
    }

    /** Raw HTTP to this server's API (trusting the cluster's CA when it uses TLS). */
    Http http() {
        return new Http(url(), http);
    }

    /** Runs another build (its classpath) from the next {@link #start()} on. */
    ServerProcess classpath(String classpath) {
        this.classpath = classpath;
        return this;
    }

    /** JVM flags (a test fault's system property, say) for the next {@link #start()}. */
    ServerProcess jvmFlags(String... flags) {
        this.jvmFlags = List.of(flags);
        return this;
    }

    String raftAddr() {
        return "127.0.0.1:" + raftPort;
    }

    void peers(String peers) {
        this.peers = peers;
    }

    /** Raft peers and their HTTP addresses (the latter turn on fast failover). */
    void peers(String peers, String peerHttp) {
        this.peers = peers;
        this.peerHttp = peerHttp;
    }

    ServerProcess start() throws IOException {
        Files.createDirectories(dataDir);
        List<String> cmd = ChildJvm.agentd("512m", classpath, jvmFlags, "server",
                "--node-id", id, "--data-dir", dataDir.toString(), "--http-addr", "127.0.0.1:" + httpPort,
                "--raft-addr", raftAddr());
        if (!extraArgs.contains("--join")) { // a joining server learns the members from the cluster
            cmd.addAll(List.of("--peers", peers == null ? id + "=" + raftAddr() : peers));
        }
        if (!extraArgs.contains("--election-timeout-min")) {
            cmd.addAll(List.of("--election-timeout-min", "1s", "--election-timeout-max", "2s"));
        }
        if (peerHttp != null) {
            cmd.addAll(List.of("--peer-http", peerHttp));
        }
        if (!extraArgs.contains("--insecure") && !extraArgs.contains("--bootstrap-token-file")) {
            cmd.addAll(List.of("--insecure", "true")); // on loopback; tests of authentication give a token file
        }
        if (tls != null) {
            cmd.addAll(tls.serverFlags(id));
        }
        cmd.addAll(extraArgs);
        process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve("agentd.log").toFile()))
                .start();
        return this;
    }

    /** Waits for it to exit by itself; its exit code, or null if it still runs after {@code seconds}. */
    Integer awaitExit(long seconds) throws InterruptedException {
        return process.waitFor(seconds, TimeUnit.SECONDS) ? process.exitValue() : null;
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    /** kill -9. */
    void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** SIGTERM, then kill -9 if it does not stop in time. */
    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }

    /** True when /health/ready answers 200. */
    boolean ready() {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url() + "/health/ready"))
                    .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    String log() {
        return ChildJvm.tail(dataDir.resolve("agentd.log"));
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
