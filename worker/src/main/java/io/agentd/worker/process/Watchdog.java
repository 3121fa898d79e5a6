package io.agentd.worker.process;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code agentd-watchdog --spare} process and the three JVM threads that serve it (its
 * lease pipe, its output, its exit). It runs nothing until {@link #adopt} hands it an agent
 * through its launch record, so it can be started before there is an agent to run: a worker
 * keeps a few ready ({@link WatchdogSpares}) and an agent's start then costs no process start
 * and no thread start in this JVM, only a write to a pipe.
 *
 * <p>The process gets a clean environment (only {@code PATH}); the agent's environment travels in
 * the record and reaches the agent alone, never the watchdog's bash.
 *
 * <p>Thread-safe: {@link #adopt} succeeds at most once, and never after the process exited.
 */
final class Watchdog {
    private static final Logger LOG = LoggerFactory.getLogger(Watchdog.class);
    private static final String SETSID = executable("/usr/bin/setsid", "/bin/setsid");
    private static final String BASH = bashPath();
    private static final String PATH = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");

    static {
        // Start watchdogs with vfork + exec: by default (posix_spawn) the JDK first execs its
        // jspawnhelper, which then execs the watchdog, and that second exec costs every start
        // 10-20 ms on a busy machine. Only if nothing chose otherwise, and only if no process was
        // started in this JVM yet (the JDK reads the setting once).
        if (System.getProperty("jdk.lang.Process.launchMechanism") == null && Runtime.version().feature() < 21) {
            System.setProperty("jdk.lang.Process.launchMechanism", "VFORK");
        }
    }

    private final Process process;
    private final WatchdogPipe pipe;
    private final Thread output;
    private final Thread waiter;
    /** The agent this watchdog runs; null once the process is gone without one. */
    private final CompletableFuture<AgentProcess> adopted = new CompletableFuture<>();

    private Watchdog(Process process) {
        this.process = process;
        this.pipe = new WatchdogPipe("spare watchdog " + process.pid(), process.getOutputStream());
        this.output = daemonThread(this::pumpOutput, "watchdog-" + process.pid() + "-log");
        this.waiter = daemonThread(this::awaitExit, "watchdog-" + process.pid() + "-exit");
        output.start();
        pipe.start();
        waiter.start();
    }

    /**
     * Starts a spare watchdog in {@code dir} (its own working directory, not the agent's).
     *
     * @throws IOException if bash cannot be started
     */
    static Watchdog start(Path script, Path dir) throws IOException {
        List<String> command = new ArrayList<>();
        if (SETSID != null) {
            // Its own session from the start: otherwise the script re-executes itself under setsid,
            // which costs one more bash start.
            command.add(SETSID);
        }
        command.addAll(List.of(BASH, script.toAbsolutePath().toString(), "--spare"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().put("PATH", PATH);
        if (dir != null) {
            builder.directory(dir.toFile());
        }
        return new Watchdog(builder.start());
    }

    /**
     * Hands {@code launch} to this watchdog, which starts the agent at once. Returns the running
     * agent, or null (and changes nothing) when this watchdog was adopted already or its process
     * is gone; the caller then closes {@code log} or uses another watchdog.
     */
    AgentProcess adopt(AgentLaunch launch, RotatingLog log) {
        if (!process.isAlive() || adopted.isDone()) {
            return null;
        }
        AgentProcess agent = new AgentProcess(launch, this, log);
        if (!adopted.complete(agent)) {
            return null;
        }
        String id = launch.agentId();
        output.setName("agent-" + id + "-log");
        waiter.setName("agent-" + id + "-exit");
        pipe.adopt(id, "agent-" + id + "-lease",
                launch.record(BootClock.millis() + launch.initialLease().toMillis()));
        return agent;
    }

    /** A spare that is no longer wanted: its stdin closes and it exits (status 0). */
    void discard() {
        if (adopted.complete(null)) {
            pipe.close();
        }
    }

    boolean alive() {
        return process.isAlive() && !adopted.isDone();
    }

    Process process() {
        return process;
    }

    WatchdogPipe pipe() {
        return pipe;
    }

    InputStream output() {
        return process.getInputStream();
    }

    private void pumpOutput() {
        AgentProcess agent = adopted.join();
        if (agent != null) {
            agent.pumpOutput();
        }
    }

    private void awaitExit() {
        int code;
        while (true) {
            try {
                code = process.waitFor();
                break;
            } catch (InterruptedException e) {
                // This thread is ours; nothing should interrupt it. Keep waiting.
            }
        }
        if (adopted.complete(null)) {
            // A spare gone before it ran anything: killed from outside, or bash failed.
            LOG.debug("spare watchdog {} exited with {} before it was needed", process.pid(), code);
            pipe.close();
            return;
        }
        AgentProcess agent = adopted.join();
        if (agent != null) {
            agent.watchdogExited(code);
        }
    }

    private static Thread daemonThread(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private static String executable(String... candidates) {
        for (String candidate : candidates) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        return null;
    }

    private static String bashPath() {
        String found = executable("/bin/bash", "/usr/bin/bash");
        return found == null ? "bash" : found;
    }
}
