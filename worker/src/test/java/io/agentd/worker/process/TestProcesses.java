package io.agentd.worker.process;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Everything a test starts, so that it is gone after the test whatever happened: child JVMs
 * (woken from SIGSTOP first, then SIGKILL), agents ({@link AgentProcess#kill()}) and, last,
 * every process left in a recorded agent session.
 */
final class TestProcesses implements AutoCloseable {
    private final List<Process> processes = new ArrayList<>();
    private final List<AgentProcess> agents = new ArrayList<>();
    private final Map<Long, Long> sessions = new LinkedHashMap<>();

    Process track(Process process) {
        processes.add(process);
        return process;
    }

    AgentProcess track(AgentProcess agent) {
        agents.add(agent);
        if (agent.pid() > 0) {
            session(agent.pid());
        }
        return agent;
    }

    /** Records an agent session by its leader's pid, while the leader still runs. */
    void session(long pid) {
        sessions.putIfAbsent(pid, AgentSession.startTicks(pid));
    }

    AgentProcess start(AgentLaunch launch) throws IOException {
        return track(AgentProcess.start(launch));
    }

    @Override
    public void close() {
        for (Process p : processes) {
            signal(p.pid(), "CONT");
            p.destroyForcibly();
        }
        for (Process p : processes) {
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (AgentProcess a : agents) {
            a.kill();
        }
        for (AgentProcess a : agents) {
            try {
                a.exitFuture().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                // Swept below.
            }
        }
        sessions.forEach((pid, start) -> AgentSession.killAll(pid, start, 2000));
    }

    /** kill -s SIG pid, through bash's kill builtin. */
    static void signal(long pid, String signal) {
        try {
            new ProcessBuilder("bash", "-c", "kill -s " + signal + " " + pid + " 2>/dev/null")
                    .redirectErrorStream(true).start().waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static boolean alive(long pid) {
        return AgentSession.alive(pid);
    }

    /** The installed watchdog under dir. */
    static Path script(Path dir) throws IOException {
        return WatchdogScript.install(dir.resolve("bin"));
    }

    static AgentLaunch launch(Path dir, String id, Duration lease, String bashScript) throws IOException {
        return new AgentLaunch(id, "bash", List.of("-c", bashScript), Map.of("PATH", System.getenv("PATH")), null,
                dir.resolve("logs").resolve(id), 1 << 20, 3, lease, Duration.ofSeconds(1), script(dir));
    }
}
