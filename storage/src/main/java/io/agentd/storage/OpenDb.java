package io.agentd.storage;

import io.agentd.statemachine.store.Table;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.Cache;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.Filter;
import org.rocksdb.LRUCache;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksObject;
import org.rocksdb.WriteOptions;

/**
 * An open RocksDB with its column family handles and every native object it needs: the one
 * place that sets RocksDB's options for a {@link RocksStore}.
 *
 * <p>Threads: the handles may be used concurrently; {@link #close} must not run while any is in
 * use ({@link RocksStore} guards that with its lock).
 */
final class OpenDb implements AutoCloseable {
    /** Bound on the write-ahead log, so the replay after a crash stays short (see {@link #open}). */
    static final long MAX_TOTAL_WAL_BYTES = 16L << 20;
    private static final long BLOCK_CACHE_BYTES = 64L << 20;
    private static final double BLOOM_BITS_PER_KEY = 10;

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

    /**
     * Opens (or creates) the database in {@code dir} with one column family per {@link Table},
     * refuses it unless it has schema version {@code schemaVersion} or none and no data
     * ({@link StoreSchema#requireSchema}), and writes the version, synced, when there was none.
     */
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
            byte[] stored = db.get(result.family(Table.META), StoreSchema.SCHEMA_KEY);
            StoreSchema.requireSchema(dir, stored, schemaVersion, db, handles);
            if (stored == null) {
                try (WriteOptions sync = new WriteOptions().setSync(true)) {
                    db.put(result.family(Table.META), sync, StoreSchema.SCHEMA_KEY,
                            StoreSchema.encodeVersion(schemaVersion));
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

    /** Every table's handle, in {@link Table} order, in a new list. */
    List<ColumnFamilyHandle> families() {
        return new ArrayList<>(families.values());
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
