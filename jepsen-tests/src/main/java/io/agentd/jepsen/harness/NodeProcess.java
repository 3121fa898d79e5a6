package io.agentd.jepsen.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One {@code agentd} process (server or worker) on a host, which the nemesis may kill, restart,
 * pause and resume. Its real pid is tracked (the namespace wrapper execs into the JVM), so a
 * kill hits the JVM itself; everything it prints goes to its log in the run folder.
 */
public final class NodeProcess {
    private final String name;
    private final int host;
    private List<String> command;
    private final Path log;
    private Process process;
    private boolean paused;

    NodeProcess(String name, int host, List<String> command, Path log) {
        this.name = name;
        this.host = host;
        this.command = List.copyOf(command);
        this.log = log;
    }

    /** java (small heap, quick start) running {@code agentd args} from the daemon jar. */
    static List<String> agentd(Path jar, List<String> jvmExtra, List<String> args) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        cmd.addAll(jvmExtra);
        cmd.addAll(List.of("-jar", jar.toString()));
        cmd.addAll(args);
        return cmd;
    }

    /** The command of the next start (a server that rejoins on a new data dir). */
    public synchronized void command(List<String> next) {
        this.command = List.copyOf(next);
    }

    public synchronized List<String> command() {
        return command;
    }

    public String name() {
        return name;
    }

    public int host() {
        return host;
    }

    public synchronized void start() throws IOException {
        Files.createDirectories(log.getParent());
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        paused = false;
    }

    public synchronized boolean alive() {
        return process != null && process.isAlive();
    }

    public synchronized long pid() {
        return process == null ? -1 : process.pid();
    }

    /** kill -9 (resuming it first if paused, so it dies at once). */
    public synchronized void kill() throws InterruptedException {
        if (process == null) {
            return;
        }
        if (paused) {
            Shell.signal(process.pid(), "CONT");
            paused = false;
        }
        process.destroyForcibly();
        process.waitFor(20, TimeUnit.SECONDS);
    }

    public synchronized void pause() {
        if (alive() && !paused) {
            Shell.signal(process.pid(), "STOP");
            paused = true;
        }
    }

    public synchronized void resume() {
        if (alive() && paused) {
            Shell.signal(process.pid(), "CONT");
            paused = false;
        }
    }

    public synchronized boolean paused() {
        return paused;
    }

    /** SIGTERM and a bounded wait, then kill -9. */
    public synchronized void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        resume();
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    public Path log() {
        return log;
    }
}
