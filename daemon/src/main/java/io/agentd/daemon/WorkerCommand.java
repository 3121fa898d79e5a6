package io.agentd.daemon;

import io.agentd.config.ConfigException;
import io.agentd.daemon.logging.LogOutput;
import io.agentd.worker.WorkerConfig;
import io.agentd.worker.WorkerDaemon;
import io.agentd.worker.systemd.Systemd;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

/** {@code agentd worker}: leases agents from the coordinators and runs them under watchdogs. */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = {"Run a worker: lease agents from the coordinators and run them under watchdogs.",
                "Every setting comes from --config (YAML, the flag names as keys), the environment or a flag, "
                        + "each overriding the one before."})
final class WorkerCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE",
            description = "YAML config file (keys as the flags without --); the environment and flags override it")
    Path configFile;

    /** The settings as given: defaults, file, environment, flags (tests call it after parsing). */
    WorkerConfig settings() {
        return KeyOptions.bind(spec, configFile, WorkerConfig.BINDER);
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        WorkerConfig c;
        try {
            c = settings();
        } catch (ConfigException e) {
            err.println("agentd: bad config: " + e.getMessage());
            return 2;
        }
        LogOutput.configure(c.logSettings());
        WorkerDaemon d;
        try {
            d = WorkerDaemon.start(c);
        } catch (IOException e) {
            err.println("agentd: cannot start the worker: " + e.getMessage());
            return 1;
        }
        AtomicInteger exitCode = new AtomicInteger();
        Systemd systemd = Systemd.fromEnvironment();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            boolean drain = c.onSigterm == WorkerConfig.OnShutdown.DRAIN && exitCode.get() == 0;
            systemd.stopping("stopping: " + (drain ? "draining its agents to other workers" : "stopping its agents"));
            systemd.close();
            if (drain) {
                d.drainThenClose(c.drainTimeout);
            } else {
                d.close();
            }
            // SIGTERM is the normal way to stop a worker: exit 0 once its agents are stopped.
            Runtime.getRuntime().halt(exitCode.get());
        }, "agentd-worker-shutdown"));
        out.printf("agentd worker %s: %d slots, coordinators %s, data in %s%n", c.workerId, c.slots, c.servers,
                c.dataDir.toAbsolutePath());
        out.flush();
        String status = "worker " + c.workerId + ": " + c.slots + " slots, local API on " + d.address();
        systemd.ready(status);
        systemd.startWatchdog(() -> !d.cannotRun().isDone());
        // Returns only when the worker cannot run (the shutdown hook ends the process otherwise).
        String why = d.cannotRun().join();
        err.println("agentd: the worker cannot run: " + why);
        err.flush();
        exitCode.set(2);
        return 2;
    }
}
