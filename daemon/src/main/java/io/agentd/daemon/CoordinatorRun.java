package io.agentd.daemon;

import io.agentd.daemon.config.ServerConfig;
import io.agentd.daemon.logging.LogOutput;
import io.agentd.daemon.tls.TlsFileException;
import io.agentd.worker.WorkerConfig;
import io.agentd.worker.WorkerDaemon;
import io.agentd.worker.systemd.Systemd;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/** What {@code agentd server} and {@code agentd dev} run: a coordinator (and in dev, a worker beside it). */
final class CoordinatorRun {
    private CoordinatorRun() {
    }

    /** How often the status line systemd shows is refreshed. */
    static final java.time.Duration STATUS_EVERY = java.time.Duration.ofSeconds(10);

    /** The line {@code systemctl status} shows: the node, the leader (if known), its applied index. */
    static String status(CoordinatorNode node) {
        var raft = node.raft();
        return "node " + raft.nodeId() + " on " + node.httpAddress() + ": "
                + raft.leaderId().map(l -> "leader " + l).orElse("no leader known") + ", term " + raft.term()
                + ", applied " + raft.appliedIndex();
    }

    /** Runs until SIGTERM (which exits 0 once everything is closed); returns only with an exit code on failure. */
    static int run(CommandSpec spec, ServerConfig config, boolean dev) {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        LogOutput.configure(config.logSettings());
        CoordinatorNode node;
        boolean freshDev = dev && isNewDataDir(config.dataDir);
        try {
            node = CoordinatorNode.start(config);
        } catch (TlsFileException e) {
            err.println("agentd: bad config: " + e.getMessage());
            err.flush();
            return 2;
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
        if (freshDev) {
            startAtHighestLevel(node, err);
        }
        WorkerDaemon devWorker = null;
        if (dev) {
            // One worker in the same process: spawned agents really run.
            WorkerConfig wc = new WorkerConfig();
            wc.servers = List.of(URI.create("http://" + node.httpAddress()));
            wc.workerId = "dev-worker";
            wc.slots = 16;
            wc.dataDir = config.dataDir.resolve("worker");
            wc.address = "127.0.0.1:0"; // its lease timings follow the worker-ttl
            try {
                devWorker = WorkerDaemon.start(wc.validate());
            } catch (IOException e) {
                err.println("agentd: cannot start the dev worker: " + e.getMessage());
                node.close();
                return 1;
            }
        }
        WorkerDaemon worker = devWorker;
        AtomicInteger exitCode = new AtomicInteger();
        Systemd systemd = Systemd.fromEnvironment();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            systemd.stopping("stopping: node " + config.nodeId + " leaves the group's work to the others");
            systemd.close();
            if (worker != null) {
                worker.close(); // its agents stop before the coordinator goes
            }
            node.close();
            // SIGTERM is the normal way to stop a daemon: exit 0 once everything is closed.
            Runtime.getRuntime().halt(exitCode.get());
        }, "agentd-shutdown"));
        if (node.tls()) {
            TlsReload.onSighup(node, err);
        }
        out.printf("agentd %s: node %s, API on %s%s, Raft on %s%s, data in %s%n", dev ? "dev" : "server",
                config.nodeId, node.scheme(), node.httpAddress(), config.raftAddr, node.tls() ? " (TLS)" : "",
                config.dataDir.toAbsolutePath());
        if (dev) {
            out.println("authentication is off: every user of this host may use the API (dev mode, loopback only)");
            out.printf("try: bin/agentctl --addr http://%s cluster status%n", node.httpAddress());
        } else if (config.insecure) {
            out.println("INSECURE: authentication is off (insecure: true): whoever reaches the API may do anything");
        } else if (config.bootstrapTokenFile == null) {
            out.printf("authentication is on; if this server becomes the cluster's first leader, it writes the first"
                    + " admin token's secret to %s%n", config.dataDir.resolve(io.agentd.daemon.coordinator.BootstrapTokens.FILE)
                    .toAbsolutePath());
        }
        out.flush();
        // Ready once this node serves its API and takes part in Raft, not once the group has a
        // leader: a group's members start one by one, and the first could never be "ready" alone
        // (docs/operations.md, "Under systemd"). The status line says whether a leader is known.
        systemd.ready(status(node));
        systemd.startWatchdog(() -> node.raft().fatalError().isEmpty());
        systemd.startStatusUpdates(() -> status(node), STATUS_EVERY);
        // Returns only when the dev worker cannot run (the shutdown hook ends the process otherwise).
        String why = (worker == null ? new CompletableFuture<String>() : worker.cannotRun()).join();
        err.println("agentd: the dev worker cannot run: " + why);
        err.flush();
        exitCode.set(2);
        return 2;
    }

    /** Whether {@code dir} holds nothing yet: a registry about to be made. */
    private static boolean isNewDataDir(java.nio.file.Path dir) {
        if (!java.nio.file.Files.isDirectory(dir)) {
            return true;
        }
        try (java.util.stream.Stream<java.nio.file.Path> entries = java.nio.file.Files.list(dir)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * A new dev registry starts at this build's highest feature level (as a new Kafka cluster
     * starts at its build's metadata version): its one member supports it, and nothing older ever
     * read it. An existing one keeps its level until {@code agentctl cluster upgrade}.
     */
    private static void startAtHighestLevel(CoordinatorNode node, PrintWriter err) {
        Thread t = new Thread(() -> {
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
            try {
                while (!node.raft().isLeader()) {
                    if (System.nanoTime() > deadline) {
                        return;
                    }
                    Thread.sleep(50);
                }
                node.coordinator().write(new io.agentd.statemachine.command.Command.SetFeatureLevel(
                        io.agentd.statemachine.FeatureLevel.MAX_SUPPORTED), "dev").get(60, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                err.println("agentd: a new dev registry stays at feature level "
                        + io.agentd.statemachine.FeatureLevel.INITIAL + ": " + e);
                err.flush();
            }
        }, "dev-feature-level");
        t.setDaemon(true);
        t.start();
    }
}
