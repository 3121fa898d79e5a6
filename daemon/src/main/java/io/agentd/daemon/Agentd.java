package io.agentd.daemon;

import io.agentd.config.ConfigBinder;
import io.agentd.config.ConfigException;
import io.agentd.config.ConfigKey;
import io.agentd.daemon.config.ServerConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code agentd}: the daemon. {@code server} runs one coordinator of a Raft group;
 * {@code dev} runs a one-node group on loopback with auth off, for a first try and tests.
 */
@Command(name = "agentd", mixinStandardHelpOptions = true, version = "agentd 0.1.0",
        description = "The agentd coordinator daemon.",
        subcommands = {Agentd.Server.class, Agentd.Dev.class, Agentd.Worker.class, CommandLine.HelpCommand.class})
public final class Agentd implements Callable<Integer> {
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
        addKeyOptions(cl.getSubcommands().get("server").getCommandSpec(), ServerConfig.SERVER);
        addKeyOptions(cl.getSubcommands().get("dev").getCommandSpec(), ServerConfig.DEV);
        return cl;
    }

    /** A flag for every key of {@code binder}, saying what it does, its default and its variable. */
    static void addKeyOptions(CommandSpec s, ConfigBinder<?> binder) {
        for (ConfigKey k : binder.keys()) {
            boolean many = k.kind() != ConfigKey.Kind.VALUE;
            s.addOption(OptionSpec.builder("--" + k.name())
                    .paramLabel(k.kind() == ConfigKey.Kind.MAP ? "K=V" : "VALUE")
                    .type(many ? String[].class : String.class)
                    .description(k.description() + " (default: " + (k.defaultValue().isEmpty() ? "none"
                            : k.defaultValue()) + "; env " + k.env() + (many ? "; comma-separated or repeated" : "")
                            + ")")
                    .build());
        }
    }

    /** The values given on the command line for {@code binder}'s keys: key → the values, in order. */
    static java.util.Map<String, java.util.List<String>> flags(CommandSpec spec, ConfigBinder<?> binder) {
        java.util.Map<String, java.util.List<String>> out = new java.util.LinkedHashMap<>();
        for (ConfigKey k : binder.keys()) {
            OptionSpec o = spec.findOption("--" + k.name());
            if (o != null && spec.commandLine().getParseResult().hasMatchedOption(o)) {
                out.put(k.name(), java.util.List.copyOf(spec.commandLine().getParseResult().matchedOption("--" + k.name())
                        .stringValues()));
            }
        }
        return out;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 2;
    }

    /** Builds the config: the command's defaults, then the file, then the environment, then flags. */
    static ServerConfig config(CommandSpec spec, Path file, ConfigBinder<ServerConfig> binder) {
        return binder.bind(file, System.getenv(), flags(spec, binder));
    }

    static int run(CommandSpec spec, ServerConfig config, boolean dev) {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        CoordinatorNode node;
        try {
            node = CoordinatorNode.start(config);
        } catch (Exception e) {
            err.println("agentd: cannot start: " + e.getMessage());
            err.flush();
            return 1;
        }
        // An invariant or I/O failure in apply must stop the node loudly, never limp on.
        node.raft().onFatalError(t -> {
            err.println("agentd: fatal: the state machine failed; stopping: " + t);
            t.printStackTrace(err);
            err.flush();
            Runtime.getRuntime().halt(70);
        });
        io.agentd.worker.WorkerDaemon devWorker = null;
        if (dev) {
            // One worker in the same process: spawned agents really run.
            io.agentd.worker.WorkerConfig wc = new io.agentd.worker.WorkerConfig();
            wc.servers = java.util.List.of(java.net.URI.create("http://" + node.httpAddress()));
            wc.workerId = "dev-worker";
            wc.slots = 16;
            wc.dataDir = config.dataDir.resolve("worker");
            wc.address = "127.0.0.1:0"; // its lease timings follow the worker-ttl
            try {
                devWorker = io.agentd.worker.WorkerDaemon.start(wc.validate());
            } catch (java.io.IOException e) {
                err.println("agentd: cannot start the dev worker: " + e.getMessage());
                node.close();
                return 1;
            }
        }
        io.agentd.worker.WorkerDaemon worker = devWorker;
        java.util.concurrent.atomic.AtomicInteger exitCode = new java.util.concurrent.atomic.AtomicInteger();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (worker != null) {
                worker.close(); // its agents stop before the coordinator goes
            }
            node.close();
            // SIGTERM is the normal way to stop a daemon: exit 0 once everything is closed.
            Runtime.getRuntime().halt(exitCode.get());
        }, "agentd-shutdown"));
        out.printf("agentd %s: node %s, API on http://%s, Raft on %s, data in %s%n", dev ? "dev" : "server",
                config.nodeId, node.httpAddress(), config.raftAddr, config.dataDir.toAbsolutePath());
        if (dev) {
            out.printf("try: bin/agentctl --addr http://%s cluster status%n", node.httpAddress());
        }
        out.flush();
        // Returns only when the dev worker cannot run (the shutdown hook ends the process otherwise).
        String why = (worker == null ? new java.util.concurrent.CompletableFuture<String>() : worker.cannotRun()).join();
        err.println("agentd: the dev worker cannot run: " + why);
        err.flush();
        exitCode.set(2);
        return 2;
    }

    @Command(name = "server", mixinStandardHelpOptions = true,
            description = "Run one coordinator (a Raft peer and the HTTP API).")
    static final class Server implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--config", paramLabel = "FILE",
                description = "YAML config file (keys as the flags without --); the environment and flags override it")
        Path configFile;

        @Override
        public Integer call() {
            ServerConfig c;
            try {
                c = config(spec, configFile, ServerConfig.SERVER);
            } catch (ConfigException e) {
                spec.commandLine().getErr().println("agentd: bad config: " + e.getMessage());
                return 2;
            }
            return run(spec, c, false);
        }
    }

    @Command(name = "dev", mixinStandardHelpOptions = true,
            description = "Run a one-node group on loopback with auth off; data kept in --data-dir (default ./agentd-data).")
    static final class Dev implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--config", paramLabel = "FILE",
                description = "YAML config file (keys as the flags without --); the environment and flags override it")
        Path configFile;

        @Override
        public Integer call() {
            ServerConfig c;
            try {
                c = config(spec, configFile, ServerConfig.DEV);
                if (c.peers.size() > 1) {
                    throw new ConfigException("peers", "peers: dev mode runs a single node");
                }
                requireLoopback("http-addr", c.httpAddr.host());
                requireLoopback("raft-addr", c.raftAddr.host());
            } catch (ConfigException e) {
                spec.commandLine().getErr().println("agentd: bad config: " + e.getMessage());
                return 2;
            }
            return run(spec, c, true);
        }


        private static void requireLoopback(String key, String host) {
            try {
                if (!InetAddress.getByName(host).isLoopbackAddress()) {
                    throw new ConfigException(key, key + ": dev mode has auth off and binds to loopback only, not "
                            + host);
                }
            } catch (UnknownHostException e) {
                throw new ConfigException(key, key + ": unknown host " + host);
            }
        }
    }

    @Command(name = "worker", mixinStandardHelpOptions = true,
            description = {"Run a worker: lease agents from the coordinators and run them under watchdogs.",
                    "Settings come from --config (YAML, the flag names as keys) and flags, which override it."})
    public static final class Worker implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--config", paramLabel = "FILE", description = "YAML config file; flags override it.")
        Path config;

        @Option(names = "--servers", paramLabel = "URL,...",
                description = "Coordinator API endpoints (default: http://127.0.0.1:7420).")
        String servers;

        @Option(names = "--worker-id", paramLabel = "ID",
                description = "Worker id (default: from the host name and data dir, stable across restarts).")
        String workerId;

        @Option(names = "--zone", paramLabel = "ZONE", description = "Zone label.")
        String zone;

        @Option(names = "--label", paramLabel = "k=v", description = "A worker label; repeatable.")
        java.util.Map<String, String> labels;

        @Option(names = "--slots", paramLabel = "N", description = "Capacity in slots (default: 8).")
        String slots;

        @Option(names = "--data-dir", paramLabel = "DIR",
                description = "Agent logs and the watchdog script (default: agentd-worker).")
        String dataDir;

        @Option(names = "--local-api", paramLabel = "HOST:PORT",
                description = "The address this worker advertises for its agents (default: 127.0.0.1:7422).")
        String localApi;

        @Option(names = "--heartbeat-interval", paramLabel = "D",
                description = "Lease renewal interval (default: worker-ttl/10, at most 1s).")
        String heartbeatInterval;

        @Option(names = "--stop-grace", paramLabel = "D",
                description = "SIGTERM to SIGKILL when stopping an agent (default: worker-ttl/5, at most 2s).")
        String stopGrace;

        @Option(names = "--fence-margin", paramLabel = "D",
                description = "Agents stop this long before the lease would run out (default: worker-ttl/10, 250ms-1s).")
        String fenceMargin;

        @Option(names = "--max-restarts", paramLabel = "N",
                description = "Restarts of an agent within --restart-window before it is reported failed (default: 5).")
        String maxRestarts;

        @Option(names = "--restart-window", paramLabel = "D", description = "See --max-restarts (default: 60s).")
        String restartWindow;

        @Option(names = "--log-max-bytes", paramLabel = "N",
                description = "An agent's log file is rotated at this size (default: 10485760).")
        String logMaxBytes;

        @Option(names = "--log-files", paramLabel = "N", description = "Rotated log files kept per agent (default: 5).")
        String logFiles;

        @Option(names = "--spare-watchdogs", paramLabel = "N",
                description = "Watchdogs kept started ahead of need, so that starting an agent is a pipe write, "
                        + "0-64 (default: 2).")
        String spareWatchdogs;

        @Option(names = "--on-sigterm", paramLabel = "stop|drain",
                description = "On SIGTERM, stop the agents here and exit, or first drain them to other workers "
                        + "(default: stop).")
        String onSigterm;

        @Option(names = "--drain-timeout", paramLabel = "D",
                description = "With --on-sigterm drain: agents still here after this are stopped (default: 60s).")
        String drainTimeout;

        @Option(names = "--unsafe-no-fencing", paramLabel = "true|false", hidden = true,
                description = "A deliberately broken worker for the safety tests: never fences itself.")
        String unsafeNoFencing;

        @Option(names = "--drain-parallel", paramLabel = "N",
                description = "With --on-sigterm drain: agents migrating off at once (default: 4).")
        String drainParallel;

        public io.agentd.worker.WorkerConfig resolve() {
            io.agentd.worker.WorkerConfig c = new io.agentd.worker.WorkerConfig();
            if (config != null) {
                io.agentd.daemon.config.WorkerConfigFile.load(c, config);
            }
            java.util.Map<String, String> flags = new java.util.LinkedHashMap<>();
            flags.put("servers", servers);
            flags.put("worker-id", workerId);
            flags.put("zone", zone);
            flags.put("slots", slots);
            flags.put("data-dir", dataDir);
            flags.put("local-api", localApi);
            flags.put("heartbeat-interval", heartbeatInterval);
            flags.put("stop-grace", stopGrace);
            flags.put("fence-margin", fenceMargin);
            flags.put("max-restarts", maxRestarts);
            flags.put("restart-window", restartWindow);
            flags.put("log-max-bytes", logMaxBytes);
            flags.put("log-files", logFiles);
            flags.put("spare-watchdogs", spareWatchdogs);
            flags.put("on-sigterm", onSigterm);
            flags.put("drain-timeout", drainTimeout);
            flags.put("drain-parallel", drainParallel);
            flags.put("unsafe-no-fencing", unsafeNoFencing);
            flags.forEach((k, v) -> {
                if (v != null) {
                    c.set(k, v, "--" + k);
                }
            });
            if (labels != null && !labels.isEmpty()) {
                c.labels = new java.util.TreeMap<>(labels);
            }
            return c.validate();
        }

        @Override
        public Integer call() {
            io.agentd.worker.WorkerConfig c;
            try {
                c = resolve();
            } catch (io.agentd.daemon.config.ConfigException | IllegalArgumentException e) {
                spec.commandLine().getErr().println("agentd: bad config: " + e.getMessage());
                return 2;
            }
            io.agentd.worker.WorkerDaemon d;
            try {
                d = io.agentd.worker.WorkerDaemon.start(c);
            } catch (java.io.IOException e) {
                spec.commandLine().getErr().println("agentd: cannot start the worker: " + e.getMessage());
                return 1;
            }
            java.util.concurrent.atomic.AtomicInteger exitCode = new java.util.concurrent.atomic.AtomicInteger();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                if (c.onSigterm == io.agentd.worker.WorkerConfig.OnShutdown.DRAIN && exitCode.get() == 0) {
                    d.drainThenClose(c.drainTimeout);
                } else {
                    d.close();
                }
                // SIGTERM is the normal way to stop a worker: exit 0 once its agents are stopped.
                Runtime.getRuntime().halt(exitCode.get());
            }, "agentd-worker-shutdown"));
            spec.commandLine().getOut().printf("agentd worker %s: %d slots, coordinators %s, data in %s%n", c.workerId,
                    c.slots, c.servers, c.dataDir.toAbsolutePath());
            spec.commandLine().getOut().flush();
            // Returns only when the worker cannot run (the shutdown hook ends the process otherwise).
            String why = d.cannotRun().join();
            spec.commandLine().getErr().println("agentd: the worker cannot run: " + why);
            spec.commandLine().getErr().flush();
            exitCode.set(2);
            return 2;
        }
    }
}
