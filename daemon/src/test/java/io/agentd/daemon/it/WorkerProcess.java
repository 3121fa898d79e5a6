package io.agentd.daemon.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One `agentd worker` as a real OS process, for integration tests. */
final class WorkerProcess implements AutoCloseable {
    final String id;
    final Path dataDir;
    private final String servers;
    private final List<String> extraArgs;
    private Process process;
    /** HOST:PORT of the worker's local API (set by start). */
    String localApi;

    WorkerProcess(String id, Path dataDir, String servers, List<String> extraArgs) {
        this.id = id;
        this.dataDir = dataDir;
        this.servers = servers;
        this.extraArgs = extraArgs;
    }

    WorkerProcess start() throws IOException {
        Files.createDirectories(dataDir);
        List<String> cmd = ChildJvm.agentd("256m", "worker",
                "--servers", servers, "--worker-id", id, "--data-dir", dataDir.toString(),
                "--local-api", localApi = "127.0.0.1:" + Ports.free());
        cmd.addAll(extraArgs);
        process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve("worker.log").toFile()))
                .start();
        return this;
    }

    long pid() {
        return process.pid();
    }

    void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** SIGTERM; true when it exited with 0 within the bound. */
    boolean terminate(long seconds) throws InterruptedException {
        process.destroy();
        return process.waitFor(seconds, TimeUnit.SECONDS) && process.exitValue() == 0;
    }

    /** Waits for it to exit by itself; its exit code, or null if it still runs after {@code seconds}. */
    Integer awaitExit(long seconds) throws InterruptedException {
        return process.waitFor(seconds, TimeUnit.SECONDS) ? process.exitValue() : null;
    }

    String log() {
        return ChildJvm.tail(dataDir.resolve("worker.log"));
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
