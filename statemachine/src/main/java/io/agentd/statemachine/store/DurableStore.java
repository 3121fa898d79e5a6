package io.agentd.statemachine.store;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.BiConsumer;

/**
 * The durable store under one replica's state machine. The state machine keeps its
 * working state in memory and writes every applied entry through here; on start it
 * reads everything back with {@link #scan}.
 *
 * <p>Threads: {@link #commit} and {@link #checkpoint} are called by the single apply
 * thread; reads may come from any thread. Any I/O failure is thrown as
 * {@link java.io.UncheckedIOException}: the caller must stop the node, never carry on.
 */
public interface DurableStore extends AutoCloseable {

    /** The applied index recorded by the last commit, or {@link AppliedIndex#NONE}. */
    AppliedIndex applied();

    /**
     * Writes all mutations and the applied index in one atomic batch: after a crash,
     * either all of it is there or none of it.
     */
    void commit(ChangeSet changes, AppliedIndex applied);

    /** The value of a key, or null. */
    byte[] get(Table table, byte[] key);

    /** Visits every key of a table in ascending unsigned byte order. */
    void scan(Table table, BiConsumer<byte[], byte[]> visitor);

    /**
     * The whole store as it is now, to be read later, from any thread, while commits go on: cheap
     * to take (a RocksDB snapshot, not a copy). The caller must close it. If the store is replaced
     * ({@link #restoreFrom}) or closed before it is read, reading it fails.
     */
    Frozen freeze();

    /** A store as it was when {@link #freeze} was called. */
    interface Frozen extends AutoCloseable {
        /** Visits every table in {@link Table} order, each in ascending unsigned key order. */
        void scanAll(TableVisitor visitor);

        @Override
        void close();
    }

    /** One key of one table. */
    @FunctionalInterface
    interface TableVisitor {
        void accept(Table table, byte[] key, byte[] value);
    }

    /**
     * Writes a consistent copy of the whole store into {@code dir}, which must not exist
     * yet. The copy holds exactly what the last {@link #commit} left.
     */
    void checkpoint(Path dir) throws IOException;

    /**
     * A {@link #checkpoint} is coming soon: start in the background what would otherwise make
     * it slow (a store with write buffers flushes them, so the checkpoint has little left to
     * write). Returns without waiting; changes nothing that reads, commits or checkpoints see.
     */
    default void prepareCheckpoint() {
    }

    /**
     * Replaces the whole content of this store with the checkpoint in {@code dir}
     * (made by {@link #checkpoint}, possibly on another node), atomically with respect
     * to crashes: a crash midway leaves either the old or the new content.
     */
    void restoreFrom(Path dir) throws IOException;

    @Override
    void close();
}
