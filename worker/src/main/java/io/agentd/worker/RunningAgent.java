package io.agentd.worker;

import io.agentd.worker.process.AgentLaunch;
import io.agentd.worker.process.AgentProcess;
import io.agentd.worker.process.WatchdogSpares;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * What the {@link Supervisor} needs of an agent's process: {@link AgentProcess} under its
 * watchdog here, a stand-in in tests. All methods return at once and are thread-safe.
 */
interface RunningAgent {
    /** The watchdog's deadline is now {@code remaining} from this call; zero or less stops the agent. */
    void extendLease(Duration remaining);

    /** SIGTERM to the agent's session, SIGKILL after {@code grace}. */
    void stop(Duration grace);

    /** True until {@link #exit()} completes. */
    boolean alive();

    /** The agent's pid, once known. */
    CompletableFuture<Long> pid();

    /** The exit status; completes on some other thread once the agent's session is gone. */
    CompletableFuture<Integer> exit();

    /** Starts agents. */
    interface Starter {
        RunningAgent start(AgentLaunch launch) throws IOException;
    }

    /** Starts each agent under one of the spare watchdogs (a new one when none is ready). */
    static Starter underWatchdogs(WatchdogSpares spares) {
        return launch -> {
            AgentProcess p = AgentProcess.start(launch, spares); // its pid comes later: no wait per agent
            return new RunningAgent() {
                @Override
                public void extendLease(Duration remaining) {
                    p.extendLease(remaining);
                }

                @Override
                public void stop(Duration grace) {
                    p.stop(grace);
                }

                @Override
                public boolean alive() {
                    return p.alive();
                }

                @Override
                public CompletableFuture<Long> pid() {
                    return p.pidFuture();
                }

                @Override
                public CompletableFuture<Integer> exit() {
                    return p.exitFuture();
                }
            };
        };
    }
}
