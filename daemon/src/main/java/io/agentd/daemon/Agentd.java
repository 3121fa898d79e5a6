package io.agentd.daemon;

import io.agentd.daemon.config.ConfigException;
import io.agentd.daemon.config.ServerConfig;
import io.agentd.daemon.coordinator.CoordinatorNode;
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
import java.util.concurrent.CountDownLatch;
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

    public static void main(String[] args) {
        System.exit(newCommandLine().execute(args));
    }

    public static CommandLine newCommandLine() {
        CommandLine cl = new CommandLine(new Agentd());
        for (String sub : new String[] {"server", "dev"}) {
            CommandSpec s = cl.getSubcommands().get(sub).getCommandSpec();
            for (String key : ServerConfig.keys()) {
                if (s.findOption("--" + key) == null) {
                    s.addOption(OptionSpec.builder("--" + key).paramLabel("VALUE").type(String.class)
                            .description("config key '" + key + "' (overrides the config file)").build());
                }
            }
        }
        return cl;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 2;
    }

    /** Builds the config: defaults, then the file, then flags. */
    static ServerConfig config(CommandSpec spec, Path file, ServerConfig base) {
        if (file != null) {
            base.load(file);
        }
        for (String key : ServerConfig.keys()) {
            OptionSpec o = spec.findOption("--" + key);
            if (o != null && spec.commandLine().getParseResult().hasMatchedOption(o)) {
                base.set(key, o.getValue(), "--" + key);
            }
        }
        return base.validate();
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
        io.agentd.daemon.worker.WorkerDaemon devWorker = null;
        if (dev) {
            // One worker in the same process: spawned agents really run.
            io.agentd.daemon.worker.WorkerConfig wc = new io.agentd.daemon.worker.WorkerConfig();
            wc.servers = java.util.List.of(java.net.URI.create("http://" + node.httpAddress()));
            wc.workerId = "dev-worker";
            wc.slots = 16;
            wc.dataDir = config.dataDir.resolve("worker");
            wc.address = "127.0.0.1:0";
            wc.heartbeatInterval = java.time.Duration.ofMillis(500);
            wc.fenceMargin = java.time.Duration.ofSeconds(1);
            wc.stopGrace = java.time.Duration.ofSeconds(1);
            try {
                devWorker = io.agentd.daemon.worker.WorkerDaemon.start(wc.validate());
            } catch (java.io.IOException e) {
                err.println("agentd: cannot start the dev worker: " + e.getMessage());
                node.close();
                return 1;
            }
        }
        CountDownLatch stopped = new CountDownLatch(1);
        io.agentd.daemon.worker.WorkerDaemon worker = devWorker;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (worker != null) {
                worker.close(); // its agents stop before the coordinator goes
            }
            node.close();
            stopped.countDown();
            // SIGTERM is the normal way to stop a daemon: exit 0 once everything is closed.
            Runtime.getRuntime().halt(0);
        }, "agentd-shutdown"));
        out.printf("agentd %s: node %s, API on http://%s, Raft on %s, data in %s%n", dev ? "dev" : "server",
                config.nodeId, node.httpAddress(), config.raftAddr, config.dataDir.toAbsolutePath());
        if (dev) {
            out.printf("try: bin/agentctl --addr http://%s cluster status%n", node.httpAddress());
        }
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    @Command(name = "server", mixinStandardHelpOptions = true,
            description = "Run one coordinator (a Raft peer and the HTTP API).")
    static final class Server implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--config", paramLabel = "FILE", description = "YAML config file; flags override it")
        Path configFile;

        @Override
        public Integer call() {
            ServerConfig c;
            try {
                c = config(spec, configFile, new ServerConfig());
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

        @Option(names = "--config", paramLabel = "FILE", description = "YAML config file; flags override it")
        Path configFile;

        @Override
        public Integer call() {
            ServerConfig base = new ServerConfig();
            base.electionTimeoutMin = java.time.Duration.ofMillis(150);
            base.electionTimeoutMax = java.time.Duration.ofMillis(300);
            base.workerTtl = java.time.Duration.ofSeconds(5);
            ServerConfig c;
            try {
                c = config(spec, configFile, base);
                if (c.peers.size() > 1) {
                    throw new ConfigException("peers: dev mode runs a single node");
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
                    throw new ConfigException(key + ": dev mode has auth off and binds to loopback only, not " + host);
                }
            } catch (UnknownHostException e) {
                throw new ConfigException(key + ": unknown host " + host);
            }
        }
    }

    @Command(name = "worker", mixinStandardHelpOptions = true,
            description = "Run a worker: lease agents from the coordinators and run them under watchdogs.")
    static final class Worker implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--servers", paramLabel = "URL,...", defaultValue = "http://127.0.0.1:7420",
                description = "Coordinator API endpoints (default: ${DEFAULT-VALUE}).")
        String servers;

        @Option(names = "--worker-id", paramLabel = "ID",
                description = "Worker id (default: from the host name and data dir, stable across restarts).")
        String workerId;

        @Option(names = "--zone", paramLabel = "ZONE", defaultValue = "", description = "Zone label.")
        String zone;

        @Option(names = "--label", paramLabel = "k=v", description = "A worker label; repeatable.")
        java.util.Map<String, String> labels = new java.util.TreeMap<>();

        @Option(names = "--slots", paramLabel = "N", defaultValue = "8", description = "Capacity in slots.")
        int slots;

        @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "agentd-worker",
                description = "Agent logs and the watchdog script.")
        Path dataDir;

        @Option(names = "--local-api", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:7422",
                description = "The address this worker advertises for its agents.")
        String localApi;

        @Option(names = "--heartbeat-interval", paramLabel = "D", defaultValue = "1s",
                description = "Lease renewal interval (the coordinators own the TTL).")
        String heartbeatInterval;

        @Option(names = "--stop-grace", paramLabel = "D", defaultValue = "2s",
                description = "SIGTERM to SIGKILL when stopping an agent.")
        String stopGrace;

        @Option(names = "--fence-margin", paramLabel = "D", defaultValue = "1s",
                description = "Agents stop this long before the lease would run out.")
        String fenceMargin;

        @Override
        public Integer call() {
            io.agentd.daemon.worker.WorkerConfig c = new io.agentd.daemon.worker.WorkerConfig();
            try {
                c.servers = io.agentd.daemon.worker.WorkerConfig.servers(servers);
                c.workerId = workerId;
                c.zone = zone;
                c.labels = labels;
                c.slots = slots;
                c.dataDir = dataDir;
                c.address = io.agentd.daemon.config.HostPort.parse(localApi).toString();
                c.heartbeatInterval = io.agentd.daemon.worker.WorkerConfig.duration("--heartbeat-interval", heartbeatInterval);
                c.stopGrace = io.agentd.daemon.worker.WorkerConfig.duration("--stop-grace", stopGrace);
                c.fenceMargin = io.agentd.daemon.worker.WorkerConfig.duration("--fence-margin", fenceMargin);
                c.validate();
            } catch (ConfigException | IllegalArgumentException e) {
                spec.commandLine().getErr().println("agentd: bad config: " + e.getMessage());
                return 2;
            }
            io.agentd.daemon.worker.WorkerDaemon d;
            try {
                d = io.agentd.daemon.worker.WorkerDaemon.start(c);
            } catch (java.io.IOException e) {
                spec.commandLine().getErr().println("agentd: cannot start the worker: " + e.getMessage());
                return 1;
            }
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                d.close();
                stopped.countDown();
                // SIGTERM is the normal way to stop a worker: exit 0 once its agents are stopped.
                Runtime.getRuntime().halt(0);
            }, "agentd-worker-shutdown"));
            spec.commandLine().getOut().printf("agentd worker %s: %d slots, coordinators %s, data in %s%n", c.workerId,
                    c.slots, c.servers, c.dataDir.toAbsolutePath());
            spec.commandLine().getOut().flush();
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 0;
        }
    }
}
