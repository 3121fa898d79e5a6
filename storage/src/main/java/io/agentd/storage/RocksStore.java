package io.agentd.storage;

import io.agentd.statemachine.store.AppliedIndex;
import io.agentd.statemachine.store.ChangeSet;
import io.agentd.statemachine.store.DurableStore;
import io.agentd.statemachine.store.Mutation;
import io.agentd.statemachine.store.Table;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiConsumer;
import org.rocksdb.Checkpoint;
import org.rocksdb.FlushOptions;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;

/**
 * A {@link DurableStore} in one RocksDB directory, one column family per {@link Table}.
 *
 * <p>The store owns two keys of {@link Table#META}: the schema version and the applied
 * index. {@link #get} and {@link #scan} never show them and {@link #commit} refuses to
 * write them.
 *
 * <p>Besides {@code dir} it uses three siblings: {@code <dir>.lock}, locked while the store
 * is open, and {@code <dir>.restore-new} and {@code <dir>.restore-old}, which exist only
 * during {@link #restoreFrom}.
 *
 * <p>Threads: safe for concurrent use. Reads and commits share a read lock; {@link #close}
 * and the swap inside {@link #restoreFrom} take the write lock, so no call ever touches a
 * closed native handle. A {@link #scan} visitor runs under the read lock and must not
 * call {@link #close} or {@link #restoreFrom}.
 *
 * <p>Failures: RocksDB errors surface as {@link UncheckedIOException}; any call but
 * {@link #close} on a closed store throws {@link IllegalStateException}.
 */
public final class RocksStore implements DurableStore {
    static {
        RocksDB.loadLibrary();
    }

    static final byte[] APPLIED_KEY = "storage.applied-index".getBytes(StandardCharsets.US_ASCII);

    private final Path dir;
    private final int schemaVersion;
    /** Holds the lock on {@code <dir>.lock} from open to close. */
    private final FileChannel lockFile;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    /** Null once closed, or after a failed {@link #restoreFrom}; written under the write lock. */
    private volatile OpenDb current;

    private RocksStore(Path dir, int schemaVersion, FileChannel lockFile, OpenDb current) {
        this.dir = dir;
        this.schemaVersion = schemaVersion;
        this.lockFile = lockFile;
        this.current = current;
    }

    /**
     * Removes a store's directory and everything in it (a checkpoint, or a store built in part);
     * nothing when it does not exist. The store must not be open.
     */
    public static void deleteDir(Path dir) throws IOException {
        StoreFiles.deleteTree(dir);
    }

    /**
     * Opens the store in {@code dir}, creating it if needed. First finishes or rolls back a
     * {@link #restoreFrom} that a crash interrupted.
     *
     * @throws IllegalStateException if the store is already open (in this or another
     *     process), or {@code dir} holds a store of another schema version (its content is
     *     then left as it was), or holds data but no schema version
     * @throws UncheckedIOException if the directory cannot be read or opened
     */
    public static RocksStore open(Path dir) {
        return open(dir, Table.SCHEMA_VERSION);
    }

    /** {@link #open(Path)} with a given schema version; tests use it to fake other versions. */
    static RocksStore open(Path dir, int schemaVersion) {
        Path abs = dir.toAbsolutePath().normalize();
        FileChannel lockFile = StoreFiles.lock(abs);
        RuntimeException failure;
        try {
            StoreFiles.finishInterruptedRestore(abs);
            Files.createDirectories(abs);
            // A store with exactly this build's column families is opened at once and its version
            // checked then (OpenDb.open): checking first with a read-only open replayed the
            // write-ahead log a second time, a cost on every restart after a kill -9. Any other set of families is checked read-only first, leaving it untouched
            // (opening it with this build's families would create or refuse some).
            if (Files.exists(abs.resolve("CURRENT")) && !StoreSchema.hasThisBuildsFamilies(abs)) {
                StoreSchema.checkSchema(abs, schemaVersion);
            }
            return new RocksStore(abs, schemaVersion, lockFile, OpenDb.open(abs, schemaVersion));
        } catch (IOException e) {
            failure = new UncheckedIOException("cannot open store at " + abs, e);
        } catch (RocksDBException e) {
            failure = rocksFailure("open", abs, e);
        } catch (RuntimeException e) {
            failure = e;
        }
        try {
            lockFile.close();
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
        throw failure;
    }

    /** The directory holding this store. */
    public Path dir() {
        return dir;
    }

    @Override
    public AppliedIndex applied() {
        return withDb("read the applied index", db -> decodeApplied(db.rocks.get(db.family(Table.META), APPLIED_KEY)));
    }

    /**
     * {@inheritDoc}
     *
     * <p>The batch is written with the write-ahead log on but without fsync. A kill -9 of
     * the process loses nothing: the WAL write has reached the OS before commit returns.
     * A power loss may drop the last commits, but RocksDB recovers to a consistent prefix
     * of whole batches (point-in-time WAL recovery), and the applied index stored in that
     * prefix tells Ratis where to replay its own fsync'd log from. Syncing here would only
     * pay for durability the Raft log already gives.
     *
     * @throws IllegalArgumentException if a mutation touches a key the store owns in META
     */
    @Override
    public void commit(ChangeSet changes, AppliedIndex applied) {
        Objects.requireNonNull(changes, "changes");
        Objects.requireNonNull(applied, "applied");
        for (Mutation m : changes.mutations()) {
            if (isReserved(m.table(), m.key())) {
                throw new IllegalArgumentException("key " + new String(m.key(), StandardCharsets.US_ASCII)
                        + " of table " + m.table() + " belongs to the store");
            }
        }
        withDb("commit", db -> {
            try (WriteBatch batch = new WriteBatch()) {
                for (Mutation m : changes.mutations()) {
                    if (m.isDelete()) {
                        batch.delete(db.family(m.table()), m.key());
                    } else {
                        batch.put(db.family(m.table()), m.key(), m.value());
                    }
                }
                batch.put(db.family(Table.META), APPLIED_KEY, encodeApplied(applied));
                db.rocks.write(db.writeOptions, batch);
            }
            return null;
        });
    }

    @Override
    public byte[] get(Table table, byte[] key) {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(key, "key");
        return withDb("get", db -> isReserved(table, key) ? null : db.rocks.get(db.family(table), key));
    }

    /**
     * {@inheritDoc} Sees one consistent state, even if commits run meanwhile. The blocks read
     * are not put in the block cache: a scan reads a whole table once (the registry load at
     * start), and caching it costs much of the scan's CPU (docs/benchmarks.md, "Measurements behind
     * choices in the code") while evicting what point reads use.
     */
    @Override
    public void scan(Table table, BiConsumer<byte[], byte[]> visitor) {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(visitor, "visitor");
        withDb("scan", db -> {
            try (ReadOptions once = new ReadOptions().setFillCache(false);
                 RocksIterator it = db.rocks.newIterator(db.family(table), once)) {
                for (it.seekToFirst(); it.isValid(); it.next()) {
                    byte[] key = it.key();
                    if (!isReserved(table, key)) {
                        visitor.accept(key, it.value());
                    }
                }
                it.status();
            }
            return null;
        });
    }

    /**
     * {@inheritDoc} A RocksDB snapshot of the open database: reading it later takes the store's
     * read lock (a restore or close waits for the read), and fails once the database it was taken
     * of has been replaced or closed. Keys the store owns in META are left out, as in {@link #scan}.
     */
    @Override
    public Frozen freeze() {
        return withDb("freeze", db -> new FrozenDb(db, db.rocks.getSnapshot()));
    }

    private final class FrozenDb implements Frozen {
        private final OpenDb db;
        private final org.rocksdb.Snapshot snapshot;
        private boolean released;

        FrozenDb(OpenDb db, org.rocksdb.Snapshot snapshot) {
            this.db = db;
            this.snapshot = snapshot;
        }

        @Override
        public synchronized void scanAll(TableVisitor visitor) {
            withDb("read a frozen store", open -> {
                if (open != db || released) {
                    throw new IllegalStateException("the store at " + dir + " was replaced or closed since it was frozen");
                }
                try (ReadOptions options = new ReadOptions().setSnapshot(snapshot).setFillCache(false)) {
                    for (Table table : Table.values()) {
                        try (RocksIterator it = db.rocks.newIterator(db.family(table), options)) {
                            for (it.seekToFirst(); it.isValid(); it.next()) {
                                byte[] key = it.key();
                                if (!isReserved(table, key)) {
                                    visitor.accept(table, key, it.value());
                                }
                            }
                            it.status();
                        }
                    }
                }
                return null;
            });
        }

        @Override
        public synchronized void close() {
            if (released) {
                return;
            }
            released = true;
            lock.readLock().lock();
            try {
                if (current == db) { // a closed database took its snapshots with it
                    db.rocks.releaseSnapshot(snapshot);
                }
            } finally {
                lock.readLock().unlock();
            }
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Asks RocksDB to flush every table's memtable and returns at once. A checkpoint flushes
     * them itself, on the caller's thread (Ratis' apply thread), and with full memtables that is
     * most of what a snapshot costs under write load; a flush started a moment before leaves it a
     * small one.
     */
    @Override
    public void prepareCheckpoint() {
        withDb("flush", db -> {
            try (FlushOptions options = new FlushOptions().setWaitForFlush(false)) {
                db.rocks.flush(options, db.families());
            }
            return null;
        });
    }

    /**
     * {@inheritDoc} Made of hard links to the live files where the file system allows, so
     * it is cheap and best kept on the same file system. Missing parents are created.
     *
     * @throws FileAlreadyExistsException if {@code target} exists
     */
    @Override
    public void checkpoint(Path target) throws IOException {
        Path abs = target.toAbsolutePath().normalize();
        if (Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(abs.toString(), null, "checkpoint target must not exist");
        }
        Files.createDirectories(abs.getParent());
        withDb("checkpoint", db -> {
            try (Checkpoint checkpoint = Checkpoint.create(db.rocks)) {
                checkpoint.createCheckpoint(abs.toString());
            }
            return null;
        });
    }

    /**
     * {@inheritDoc}
     *
     * <p>The checkpoint is copied (never moved or linked: it stays the caller's) into the
     * sibling {@code <dir>.restore-new} and fsync'd; only then is the database closed and
     * the directories swapped by two renames, {@code dir -> <dir>.restore-old} and
     * {@code <dir>.restore-new -> dir}, before reopening and deleting the old content.
     * {@link #open} completes a swap a crash interrupted. Until the swap starts, a failure
     * leaves this store open and unchanged; after, the store stays closed and the node must
     * stop (the next {@link #open} recovers).
     *
     * @throws IllegalArgumentException if {@code source} is not a store checkpoint, or is
     *     this store's own directory
     * @throws IllegalStateException if the checkpoint has another schema version
     */
    @Override
    public void restoreFrom(Path source) throws IOException {
        Path src = source.toAbsolutePath().normalize();
        if (!Files.isDirectory(src)) {
            throw new NoSuchFileException(src.toString(), null, "no checkpoint directory");
        }
        if (src.startsWith(dir) || dir.startsWith(src) || src.equals(StoreFiles.stagingDir(dir))
                || src.equals(StoreFiles.asideDir(dir))) {
            throw new IllegalArgumentException("cannot restore " + dir + " from " + src);
        }
        requireOpen();
        Path staging = StoreFiles.stagingDir(dir);
        try {
            StoreFiles.deleteTree(staging);
            StoreFiles.copyTree(src, staging);
            if (!Files.exists(staging.resolve("CURRENT"))) {
                throw new IllegalArgumentException(src + " is not a store checkpoint: no CURRENT file");
            }
            StoreSchema.checkSchema(staging, schemaVersion);
        } catch (IOException | RuntimeException e) {
            StoreFiles.deleteQuietly(staging, e);
            throw e;
        } catch (RocksDBException e) {
            StoreFiles.deleteQuietly(staging, e);
            throw rocksFailure("check checkpoint", src, e);
        }
        lock.writeLock().lock();
        try {
            if (current == null) {
                StoreFiles.deleteTree(staging);
                throw new IllegalStateException("store at " + dir + " is closed");
            }
            current.close();
            current = null;
            StoreFiles.swapInStaging(dir);
            current = OpenDb.open(dir, schemaVersion);
            StoreFiles.deleteTree(StoreFiles.asideDir(dir));
        } catch (RocksDBException e) {
            throw rocksFailure("reopen after restore", dir, e);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Closes the database and every native object it uses, and unlocks the directory. Idempotent. */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (current != null) {
                current.close();
                current = null;
            }
            lockFile.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unlock store at " + dir, e);
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public String toString() {
        return "RocksStore[" + dir + "]";
    }

    // ---- encodings ----

    private static boolean isReserved(Table table, byte[] key) {
        return table == Table.META && (Arrays.equals(key, StoreSchema.SCHEMA_KEY) || Arrays.equals(key, APPLIED_KEY));
    }

    /** Term then index, two big-endian longs. */
    private static byte[] encodeApplied(AppliedIndex applied) {
        return ByteBuffer.allocate(2 * Long.BYTES).putLong(applied.term()).putLong(applied.index()).array();
    }

    private static AppliedIndex decodeApplied(byte[] bytes) {
        if (bytes == null) {
            return AppliedIndex.NONE;
        }
        if (bytes.length != 2 * Long.BYTES) {
            throw new IllegalStateException("applied index has " + bytes.length + " bytes, expected 16");
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        return new AppliedIndex(buffer.getLong(), buffer.getLong());
    }

    // ---- access to the open database ----

    @FunctionalInterface
    private interface DbCall<T> {
        T apply(OpenDb db) throws RocksDBException;
    }

    private <T> T withDb(String what, DbCall<T> call) {
        lock.readLock().lock();
        try {
            return call.apply(requireOpen());
        } catch (RocksDBException e) {
            throw rocksFailure(what, dir, e);
        } finally {
            lock.readLock().unlock();
        }
    }

    private OpenDb requireOpen() {
        OpenDb db = current;
        if (db == null) {
            throw new IllegalStateException("store at " + dir + " is closed");
        }
        return db;
    }

    private static UncheckedIOException rocksFailure(String what, Path dir, RocksDBException e) {
        return new UncheckedIOException(new IOException(what + " failed for store at " + dir + ": " + e.getMessage(), e));
    }
}
