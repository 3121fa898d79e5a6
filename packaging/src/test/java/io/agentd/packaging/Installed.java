package io.agentd.packaging;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** What the install tests share: running installed commands and waiting for a server. */
final class Installed {
    private Installed() {
    }

    /** A command's exit code and its merged output. */
    record Run(int exitCode, String output) {
    }

    static Run run(List<String> command, Map<String, String> env, Duration limit) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + " did not end within " + limit);
        }
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Waits until GET /health/ready answers 200, or fails naming the log. */
    static void awaitReady(int port, Process server, Path log, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new AssertionError("the server exited with " + server.exitValue() + ":\n" + tail(log));
            }
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/health/ready")
                        .toURL().openConnection();
                c.setConnectTimeout(1000);
                c.setReadTimeout(3000);
                if (c.getResponseCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new AssertionError("the server was not ready within " + limit + ":\n" + tail(log));
    }

    static String tail(Path log) {
        try {
            String s = Files.readString(log);
            return s.length() > 8000 ? s.substring(s.length() - 8000) : s;
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
