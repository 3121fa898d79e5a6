package io.agentd.worker.process;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in worker JVM for tests that kill or freeze the worker: starts agents, prints
 * {@code agent <agentPid> <watchdogPid>} for each, then renews their leases until killed.
 * When an agent exits it prints {@code exit <code>}; once all have exited it renews a few
 * more times (which must be harmless) and ends with {@code done}.
 *
 * <p>Arguments: dir leaseMillis renewEveryMillis agentCount [agentScript]; the agents run
 * {@code bash -c agentScript}, by default {@code sleep 300 & wait}.
 */
public final class FeederMain {
    private FeederMain() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Duration lease = Duration.ofMillis(Long.parseLong(args[1]));
        long renewEvery = Long.parseLong(args[2]);
        int count = Integer.parseInt(args[3]);
        String agentScript = args.length > 4 ? args[4] : "sleep 300 & wait";
        Path script = WatchdogScript.install(dir.resolve("bin"));
        List<AgentProcess> agents = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            AgentLaunch launch = new AgentLaunch("feeder-" + i, "bash", List.of("-c", agentScript),
                    Map.of("PATH", System.getenv("PATH")), null, dir.resolve("logs-" + i), 1 << 20, 2, lease,
                    Duration.ofSeconds(1), script);
            AgentProcess agent = AgentProcess.start(launch);
            agent.exitFuture().thenAccept(code -> System.out.println("exit " + code));
            agents.add(agent);
            System.out.println("agent " + agent.pid() + " " + agent.watchdogPid());
        }
        System.out.println("ready");
        while (agents.stream().anyMatch(AgentProcess::alive)) {
            agents.forEach(a -> a.extendLease(lease));
            TimeUnit.MILLISECONDS.sleep(renewEvery);
        }
        for (int i = 0; i < 3; i++) {
            agents.forEach(a -> a.extendLease(lease));
            TimeUnit.MILLISECONDS.sleep(renewEvery);
        }
        System.out.println("done");
    }
}
