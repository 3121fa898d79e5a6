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
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.Cache;
import org.rocksdb.Checkpoint;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.Filter;
import org.rocksdb.FlushOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.RocksObject;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

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

    static final byte[] SCHEMA_KEY = "storage.schema-version".getBytes(StandardCharsets.US_ASCII);
    static final byte[] APPLIED_KEY = "storage.applied-index".getBytes(StandardCharsets.US_ASCII);
    private static final long BLOCK_CACHE_BYTES = 64L << 20;
    private static final double BLOOM_BITS_PER_KEY = 10;

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
     * Opens the store in {@code dir}, creating it if needed. First finishes or rolls back a
     * {@link #restoreFrom} that a crash interrupted.
     *
     * @throws IllegalStateException if the store is already open (in this or another
     *     process), or {@code dir} holds a store of another schema version (its content is
     *     then left as it was), or holds data but no schema version
     * @throws UncheckedIOException if the directory cannot be read or opened
     */
    /** Bound on the write-ahead log, so the replay after a crash stays short (see OpenDb). */
    static final long MAX_TOTAL_WAL_BYTES = 16L << 20;

    public static RocksStore open(Path dir) {
        return open(dir, Table.SCHEMA_VERSION);
    }

    /** {@link #open(Path)} with a given schema version; tests use it to fake other versions. */
    static RocksStore open(Path dir, int schemaVersion) {
        Path abs = dir.toAbsolutePath().normalize();
        FileChannel lockFile = lock(abs);
        RuntimeException failure;
        try {
            finishInterruptedRestore(abs);
            Files.createDirectories(abs);
            // A store with exactly this build's column families is opened at once and its version
            // checked then (OpenDb.open): checking first with a read-only open replayed the
            // write-ahead log a second time, a cost on every restart after a kill -9. Any other set of families is checked read-only first, leaving it untouched
            // (opening it with this build's families would create or refuse some).
            if (Files.exists(abs.resolve("CURRENT")) && !hasThisBuildsFamilies(abs)) {
                checkSchema(abs, schemaVersion);
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

    /**
     * Locks {@code <dir>.lock}, a sibling because restores rename {@code dir} itself. Open
     * moves and deletes directories to recover from a crash, so it must never run while
     * another store has the directory open.
     */
    private static FileChannel lock(Path dir) {
        try {
            Files.createDirectories(dir.getParent());
            FileChannel channel = FileChannel.open(dir.resolveSibling(dir.getFileName() + ".lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                if (channel.tryLock() != null) {
                    return channel;
                }
            } catch (OverlappingFileLockException e) {
                // Held by another store in this JVM.
            } catch (IOException e) {
                channel.close();
                throw e;
            }
            channel.close();
            throw new IllegalStateException("store at " + dir + " is already open");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock store at " + dir, e);
        }
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
                db.rocks.flush(options, new ArrayList<>(db.families.values()));
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
        if (src.startsWith(dir) || dir.startsWith(src) || src.equals(stagingDir(dir)) || src.equals(asideDir(dir))) {
            throw new IllegalArgumentException("cannot restore " + dir + " from " + src);
        }
        requireOpen();
        Path staging = stagingDir(dir);
        try {
            deleteTree(staging);
            copyTree(src, staging);
            if (!Files.exists(staging.resolve("CURRENT"))) {
                throw new IllegalArgumentException(src + " is not a store checkpoint: no CURRENT file");
            }
            checkSchema(staging, schemaVersion);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(staging, e);
            throw e;
        } catch (RocksDBException e) {
            deleteQuietly(staging, e);
            throw rocksFailure("check checkpoint", src, e);
        }
        lock.writeLock().lock();
        try {
            if (current == null) {
                deleteTree(staging);
                throw new IllegalStateException("store at " + dir + " is closed");
            }
            current.close();
            current = null;
            Path aside = asideDir(dir);
            deleteTree(aside); // left over from an earlier restore whose cleanup failed
            Files.move(dir, aside, StandardCopyOption.ATOMIC_MOVE);
            fsyncDir(dir.getParent());
            Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
            fsyncDir(dir.getParent());
            current = OpenDb.open(dir, schemaVersion);
            deleteTree(aside);
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

    // ---- on-disk helpers ----

    static Path stagingDir(Path dir) {
        return dir.resolveSibling(dir.getFileName() + ".restore-new");
    }

    static Path asideDir(Path dir) {
        return dir.resolveSibling(dir.getFileName() + ".restore-old");
    }

    /**
     * Brings a directory left by a crash inside {@link #restoreFrom} back to one store. The
     * staging copy is complete once the old content is aside (it is fsync'd before the
     * first rename), so with no {@code dir} the swap is finished forward; a staging copy
     * next to a live {@code dir} never got swapped in and is dropped.
     */
    private static void finishInterruptedRestore(Path dir) throws IOException {
        Path staging = stagingDir(dir);
        Path aside = asideDir(dir);
        if (Files.exists(aside) && !Files.exists(dir)) {
            Path complete = Files.exists(staging) ? staging : aside;
            Files.move(complete, dir, StandardCopyOption.ATOMIC_MOVE);
            fsyncDir(dir.getParent());
        }
        deleteTree(aside);
        deleteTree(staging);
    }

    /** Whether the store in {@code dir} has exactly the column families this build opens (read from its MANIFEST). */
    private static boolean hasThisBuildsFamilies(Path dir) throws RocksDBException {
        List<byte[]> names;
        try (Options options = new Options()) {
            names = RocksDB.listColumnFamilies(options, dir.toString());
        }
        java.util.Set<String> have = new java.util.TreeSet<>();
        for (byte[] name : names) {
            have.add(new String(name, StandardCharsets.UTF_8));
        }
        java.util.Set<String> want = new java.util.TreeSet<>();
        want.add(new String(RocksDB.DEFAULT_COLUMN_FAMILY, StandardCharsets.UTF_8));
        for (Table table : Table.values()) {
            want.add(table.cfName());
        }
        return have.equals(want);
    }

    /**
     * Refuses a store whose stored schema version ({@code stored}, null if none) is not
     * {@code expected}, or that holds data without a version.
     */
    private static void requireSchema(Path dir, byte[] stored, int expected, RocksDB db, List<ColumnFamilyHandle> handles) {
        if (stored != null && decodeVersion(stored) != expected) {
            throw new IllegalStateException("store at " + dir + " has schema version "
                    + decodeVersion(stored) + " but this build reads schema version " + expected);
        }
        // A crash right after creation leaves no version; that is fine if nothing was written.
        if (stored == null && !allEmpty(db, handles)) {
            throw new IllegalStateException("store at " + dir + " holds data but no schema version;"
                    + " this build reads schema version " + expected);
        }
    }

    /**
     * Checks the schema version of an existing store without changing it: opens it read-only
     * with whatever column families it has (a newer version may have more).
     */
    private static void checkSchema(Path dir, int expected) throws RocksDBException {
        List<byte[]> names;
        try (Options options = new Options()) {
            names = RocksDB.listColumnFamilies(options, dir.toString());
        }
        try (DBOptions options = new DBOptions(); ColumnFamilyOptions familyOptions = new ColumnFamilyOptions()) {
            List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
            for (byte[] name : names) {
                descriptors.add(new ColumnFamilyDescriptor(name, familyOptions));
            }
            List<ColumnFamilyHandle> handles = new ArrayList<>();
            try (RocksDB db = RocksDB.openReadOnly(options, dir.toString(), descriptors, handles)) {
                try {
                    byte[] meta = Table.META.cfName().getBytes(StandardCharsets.UTF_8);
                    byte[] stored = null;
                    for (ColumnFamilyHandle handle : handles) {
                        if (Arrays.equals(handle.getName(), meta)) {
                            stored = db.get(handle, SCHEMA_KEY);
                        }
                    }
                    requireSchema(dir, stored, expected, db, handles);
                } finally {
                    handles.forEach(ColumnFamilyHandle::close);
                }
            }
        }
    }

    private static boolean allEmpty(RocksDB db, List<ColumnFamilyHandle> handles) {
        for (ColumnFamilyHandle handle : handles) {
            try (RocksIterator it = db.newIterator(handle)) {
                it.seekToFirst();
                if (it.isValid()) {
                    return false;
                }
            }
        }
        return true;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        List<Path> sources;
        try (Stream<Path> walk = Files.walk(from)) {
            sources = walk.toList(); // parents before children
        }
        List<Path> dirs = new ArrayList<>();
        for (Path source : sources) {
            Path target = to.resolve(from.relativize(source).toString());
            if (Files.isDirectory(source)) {
                Files.createDirectories(target);
                dirs.add(target);
            } else {
                Files.copy(source, target);
                try (FileChannel channel = FileChannel.open(target, StandardOpenOption.WRITE)) {
                    channel.force(true);
                }
            }
        }
        for (Path d : dirs) {
            fsyncDir(d);
        }
        fsyncDir(to.getParent());
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(root)) {
            paths = walk.sorted(Comparator.reverseOrder()).toList(); // children before parents
        }
        for (Path p : paths) {
            Files.delete(p);
        }
    }

    private static void deleteQuietly(Path root, Exception cause) {
        try {
            deleteTree(root);
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
    }

    /** Makes renames and creations inside {@code dir} durable (POSIX needs the directory synced). */
    private static void fsyncDir(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    // ---- encodings ----

    private static boolean isReserved(Table table, byte[] key) {
        return table == Table.META && (Arrays.equals(key, SCHEMA_KEY) || Arrays.equals(key, APPLIED_KEY));
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

    private static byte[] encodeVersion(int version) {
        return ByteBuffer.allocate(Integer.BYTES).putInt(version).array();
    }

    private static int decodeVersion(byte[] bytes) {
        if (bytes.length != Integer.BYTES) {
            throw new IllegalStateException("schema version has " + bytes.length + " bytes, expected 4");
        }
        return ByteBuffer.wrap(bytes).getInt();
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

    /** An open RocksDB with its column family handles and every native object it needs. */
    private static final class OpenDb implements AutoCloseable {
        final RocksDB rocks;
        final WriteOptions writeOptions;
        private final Map<Table, ColumnFamilyHandle> families;
        /** Closed in reverse order: handles, then the database, then the options it used. */
        private final List<RocksObject> owned;

        private OpenDb(RocksDB rocks, WriteOptions writeOptions, Map<Table, ColumnFamilyHandle> families,
                List<RocksObject> owned) {
            this.rocks = rocks;
            this.writeOptions = writeOptions;
            this.families = families;
            this.owned = owned;
        }

        static OpenDb open(Path dir, int schemaVersion) throws RocksDBException {
            List<RocksObject> owned = new ArrayList<>();
            try {
                Cache cache = own(owned, new LRUCache(BLOCK_CACHE_BYTES)); // shared by all families
                Filter bloom = own(owned, new BloomFilter(BLOOM_BITS_PER_KEY));
                DBOptions options = own(owned, new DBOptions()
                        .setCreateIfMissing(true)
                        .setCreateMissingColumnFamilies(true)
                        .setMaxBackgroundJobs(2)
                        .setKeepLogFileNum(5)
                        // A WAL file is kept until every family with data in it has flushed; the
                        // small tables (events, dedup, audit) rarely fill a memtable, so without a
                        // bound the WAL grows with the registry and opening after a kill -9 replays
                        // all of it (docs/benchmarks.md, "Measurements behind choices in the code").
                        // This flushes the families that hold the oldest WAL file instead.
                        .setMaxTotalWalSize(MAX_TOTAL_WAL_BYTES));
                List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
                descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY,
                        own(owned, familyOptions(cache, null))));
                for (Table table : Table.values()) {
                    // Entities are read by key (get); the other tables mostly by scan.
                    Filter filter = table == Table.ENTITIES ? bloom : null;
                    descriptors.add(new ColumnFamilyDescriptor(table.cfName().getBytes(StandardCharsets.UTF_8),
                            own(owned, familyOptions(cache, filter))));
                }
                WriteOptions writeOptions = own(owned, new WriteOptions().setSync(false).setDisableWAL(false));
                List<ColumnFamilyHandle> handles = new ArrayList<>();
                RocksDB db = own(owned, RocksDB.open(options, dir.toString(), descriptors, handles));
                owned.addAll(handles);
                Map<Table, ColumnFamilyHandle> families = new EnumMap<>(Table.class);
                for (Table table : Table.values()) {
                    families.put(table, handles.get(table.ordinal() + 1));
                }
                OpenDb result = new OpenDb(db, writeOptions, families, owned);
                byte[] stored = db.get(result.family(Table.META), SCHEMA_KEY);
                requireSchema(dir, stored, schemaVersion, db, handles);
                if (stored == null) {
                    try (WriteOptions sync = new WriteOptions().setSync(true)) {
                        db.put(result.family(Table.META), sync, SCHEMA_KEY, encodeVersion(schemaVersion));
                    }
                }
                return result;
            } catch (RocksDBException | RuntimeException e) {
                closeAll(owned);
                throw e;
            }
        }

        private static ColumnFamilyOptions familyOptions(Cache cache, Filter filter) {
            BlockBasedTableConfig tableConfig = new BlockBasedTableConfig().setBlockCache(cache);
            if (filter != null) {
                tableConfig.setFilterPolicy(filter);
            }
            // Level compaction (RocksDB's default). Universal compaction costs less compaction CPU,
            // but a late member then failed to catch up by snapshot install under fast
            // snapshotting (LateMemberTest): docs/benchmarks.md, "Warm-up and a growing registry".
            return new ColumnFamilyOptions()
                    .setCompressionType(CompressionType.LZ4_COMPRESSION)
                    .setTableFormatConfig(tableConfig);
        }

        private static <T extends RocksObject> T own(List<RocksObject> owned, T object) {
            owned.add(object);
            return object;
        }

        ColumnFamilyHandle family(Table table) {
            return families.get(table);
        }

        @Override
        public void close() {
            closeAll(owned);
        }

        private static void closeAll(List<RocksObject> owned) {
            for (int i = owned.size() - 1; i >= 0; i--) {
                owned.get(i).close();
            }
            owned.clear();
        }
    }
}
