package io.agentd.daemon;

import io.agentd.config.ConfigException;
import io.agentd.daemon.config.ServerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code agentd server}: one coordinator, a Raft peer and the HTTP API. */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = {"Run one coordinator (a Raft peer and the HTTP API).",
                "Every setting comes from --config (YAML, the flag names as keys), the environment or a flag, "
                        + "each overriding the one before."})
final class ServerCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE",
            description = "YAML config file (keys as the flags without --); the environment and flags override it")
    Path configFile;

    @Override
    public Integer call() {
        ServerConfig c;
        try {
            c = KeyOptions.bind(spec, configFile, ServerConfig.SERVER);
        } catch (ConfigException e) {
            spec.commandLine().getErr().println("agentd: bad config: " + e.getMessage());
            return 2;
        }
        try {
            c.requireTlsBeyondLoopback();
            RestoreCommand.checkFirstStart(c);
        } catch (ConfigException e) {
            spec.commandLine().getErr().println("agentd: " + e.getMessage());
            return 2;
        }
        return CoordinatorRun.run(spec, c, false);
    }
}
