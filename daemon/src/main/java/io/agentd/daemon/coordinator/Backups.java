package io.agentd.daemon.coordinator;

import io.agentd.statemachine.store.DurableStore;
import io.agentd.statemachine.store.SnapshotFile;
import io.agentd.statemachine.store.Table;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Backups of the registry ({@code agentctl cluster snapshot save}): after a read barrier (so the
 * backup holds every write acknowledged before it was asked for), a checkpoint of this member's
 * store, taken while apply waits, is read back row by row into a {@link SnapshotFile} outside
 * that wait. The file is built in memory: the registry fits in the heap anyway.
 */
public final class Backups {
    private static final Logger LOG = LoggerFactory.getLogger(Backups.class);
    private final Coordinator coordinator;
    private final RegistryReplica replica;
    private final Path scratch;
    private final Function<Path, DurableStore> open;
    private final Remover remove;
    private final String self;
    private final Supplier<List<String>> members;
    private final Executor executor;
    private final AtomicLong sequence = new AtomicLong();

    /** Removes a checkpoint's directory. */
    @FunctionalInterface
    public interface Remover {
        void delete(Path dir) throws IOException;
    }

    /**
     * @param scratch where checkpoints are made and removed (on the data dir's file system)
     * @param open    opens a checkpoint's files as a store
     * @param remove  removes a checkpoint's directory
     * @param members the members now, as "ID RAFT-ADDRESS"
     * @param executor where the checkpoint and the file are made (it blocks)
     */
    public Backups(Coordinator coordinator, RegistryReplica replica, Path scratch, Function<Path, DurableStore> open,
                   Remover remove, String self, Supplier<List<String>> members, Executor executor) {
        this.coordinator = coordinator;
        this.replica = replica;
        this.scratch = scratch;
        this.open = open;
        this.remove = remove;
        this.self = self;
        this.members = members;
        this.executor = executor;
    }

    /** A backup file's bytes, with the revision it holds. */
    public record Backup(long revision, byte[] bytes) {
    }

    public CompletableFuture<Backup> save() {
        return coordinator.readable(false).thenApplyAsync(v -> {
            Path dir = scratch.resolve("backup-" + ProcessHandle.current().pid() + "-" + sequence.incrementAndGet());
            try {
                Files.createDirectories(scratch);
                long started = System.nanoTime();
                RegistryReplica.Checkpoint at = replica.checkpoint(dir);
                ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 20);
                long rows;
                try (DurableStore store = open.apply(dir)) {
                    rows = SnapshotFile.write(out, new SnapshotFile.Header(SnapshotFile.FORMAT_VERSION,
                            Table.SCHEMA_VERSION, at.revision(), at.applied().term(), at.applied().index(),
                            System.currentTimeMillis(), self, members.get()), store);
                }
                LOG.info("backup at revision {} (applied index {}): {} rows, {} bytes in {} ms", at.revision(),
                        at.applied().index(), rows, out.size(), (System.nanoTime() - started) / 1_000_000);
                return new Backup(at.revision(), out.toByteArray());
            } catch (IOException e) {
                throw new UncheckedIOException("the backup failed: " + e.getMessage(), e);
            } finally {
                delete(dir);
            }
        }, executor);
    }

    private void delete(Path dir) {
        try {
            remove.delete(dir);
        } catch (IOException e) {
            LOG.warn("could not remove the backup's checkpoint {}: {}", dir, e.toString());
        }
    }
}
