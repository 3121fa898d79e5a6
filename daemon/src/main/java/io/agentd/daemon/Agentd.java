package io.agentd.daemon;

import io.agentd.daemon.config.ServerConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * {@code agentd}: the daemon. {@code server} runs one coordinator of a Raft group,
 * {@code worker} one worker; {@code dev} runs a one-node group and a worker on loopback with auth
 * off, for a first try and tests; {@code tls init} makes a cluster's certificates. Each subcommand is a class of its own; their flags are made from
 * their settings' keys ({@link KeyOptions}).
 */
@Command(name = "agentd", mixinStandardHelpOptions = true, versionProvider = Agentd.Version.class,
        description = "The agentd daemon: coordinators and workers.",
        subcommands = {ServerCommand.class, DevCommand.class, WorkerCommand.class, TlsCommand.class, RestoreCommand.class,
                RecoverCommand.class,
                CommandLine.HelpCommand.class})
public final class Agentd implements Callable<Integer> {
    /** This build's version, as members report it to each other ({@code cluster health}). */
    public static final String VERSION = io.agentd.client.BuildInfo.version();

    /** {@code agentd --version}: the version and the git commit, as {@code agentctl version} prints them. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{"agentd " + io.agentd.client.BuildInfo.describe()};
        }
    }
    @Spec
    CommandSpec spec;

    /** The JDK's property for the parallelism of the common ForkJoinPool. */
    static final String COMMON_POOL_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

    public static void main(String[] args) {
        // First, before anything loads CompletableFuture: it decides its default executor once.
        String p = commonPoolParallelism(Runtime.getRuntime().availableProcessors(),
                System.getProperty(COMMON_POOL_PARALLELISM));
        if (p != null) {
            System.setProperty(COMMON_POOL_PARALLELISM, p);
        }
        System.exit(newCommandLine().execute(args));
    }

    /**
     * The common pool's parallelism to set, or null to leave it. CompletableFuture runs its
     * {@code *Async} stages that name no executor on the common ForkJoinPool only when that pool
     * has at least two threads; below that it starts a new thread for every such stage. The
     * pool's default is one thread fewer than the cores, so on a 2-core machine every append a
     * Ratis follower received (Ratis continues it with {@code thenComposeAsync}) started and
     * ended a thread (docs/benchmarks.md, "Measurements behind choices in the code").
     * A value the operator set ({@code -D...}) is kept.
     */
    static String commonPoolParallelism(int cores, String configured) {
        if (configured != null || cores - 1 >= 2) {
            return null;
        }
        return "2";
    }

    public static CommandLine newCommandLine() {
        CommandLine cl = new CommandLine(new Agentd());
        KeyOptions.add(cl.getSubcommands().get("server").getCommandSpec(), ServerConfig.SERVER);
        KeyOptions.add(cl.getSubcommands().get("dev").getCommandSpec(), ServerConfig.DEV);
        KeyOptions.add(cl.getSubcommands().get("worker").getCommandSpec(), io.agentd.worker.WorkerConfig.BINDER);
        return cl;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 2;
    }
}
