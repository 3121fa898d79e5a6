package io.agentd.worker;

import io.agentd.client.AgentdClient;
import io.agentd.client.AgentdException;
import io.agentd.client.Api;
import io.agentd.client.api.DrainRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Shutdown by draining ({@code --on-sigterm drain}): the worker asks the coordinators to move its
 * agents elsewhere (through migration, so each hands over its checkpoint) and waits until none is
 * left here. It leaves a marker in its data dir, so that when it starts again there it undoes the
 * drain once registered. Called on the shutdown thread and the heartbeat thread.
 */
final class ShutdownDrain {
    private static final Logger LOG = LoggerFactory.getLogger(ShutdownDrain.class);

    /** In the data dir: this worker drained itself when it last shut down, and undoes that on start. */
    static final String DRAINED_AT_SHUTDOWN = "drained-at-shutdown";

    private final WorkerConfig config;
    private final AgentdClient client;

    ShutdownDrain(WorkerConfig config, AgentdClient client) {
        this.config = config;
        this.client = client;
    }

    /** After a registration: undoes the drain of the last shutdown, if any. False when that must be tried again. */
    boolean undoAfterRegistration() {
        Path marker = config.dataDir.resolve(DRAINED_AT_SHUTDOWN);
        if (!Files.exists(marker)) {
            return true;
        }
        try {
            client.send(Api.undrainWorker(config.workerId));
            Files.deleteIfExists(marker);
            LOG.info("ready again: this worker had drained itself at its last shutdown");
            return true;
        } catch (AgentdException | IOException e) {
            LOG.warn("could not undo the drain of the last shutdown (will retry): {}", e.getMessage());
            return false;
        }
    }

    /**
     * Asks for the drain and waits until no agent is assigned here and {@code idle} says none
     * runs, or {@code timeout} passes. False when the drain could not even be asked for.
     */
    boolean drain(Duration timeout, BooleanSupplier idle, BooleanSupplier running) {
        long end = System.nanoTime() + timeout.toNanos();
        try {
            Files.writeString(config.dataDir.resolve(DRAINED_AT_SHUTDOWN), config.workerId + "\n");
            client.send(Api.drainWorker(config.workerId, new DrainRequest(config.drainParallel)));
            LOG.info("draining before exit: agents move to other workers for at most {} ms", timeout.toMillis());
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not drain at shutdown ({}): stopping the agents here", e.getMessage());
            return false;
        }
        while (System.nanoTime() < end && running.getAsBoolean()) {
            try {
                int assigned = client.send(Api.getWorker(config.workerId)).value().agents();
                if (assigned == 0 && idle.getAsBoolean()) {
                    LOG.info("drained: no agent is left here");
                    break;
                }
            } catch (RuntimeException e) {
                LOG.debug("waiting for the drain: {}", e.toString());
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return true;
    }
}
