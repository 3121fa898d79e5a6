package io.agentd.storage;

import io.agentd.statemachine.store.Table;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/**
 * The schema version a store keeps under {@link #SCHEMA_KEY} in {@link Table#META}, and the
 * checks that refuse a store this build cannot read: another version, or data without a version.
 */
final class StoreSchema {
    static final byte[] SCHEMA_KEY = "storage.schema-version".getBytes(StandardCharsets.US_ASCII);

    private StoreSchema() {
    }

    /** Whether the store in {@code dir} has exactly the column families this build opens (read from its MANIFEST). */
    static boolean hasThisBuildsFamilies(Path dir) throws RocksDBException {
        List<byte[]> names;
        try (Options options = new Options()) {
            names = RocksDB.listColumnFamilies(options, dir.toString());
        }
        Set<String> have = new TreeSet<>();
        for (byte[] name : names) {
            have.add(new String(name, StandardCharsets.UTF_8));
        }
        Set<String> want = new TreeSet<>();
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
    static void requireSchema(Path dir, byte[] stored, int expected, RocksDB db, List<ColumnFamilyHandle> handles) {
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
    static void checkSchema(Path dir, int expected) throws RocksDBException {
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

    static byte[] encodeVersion(int version) {
        return ByteBuffer.allocate(Integer.BYTES).putInt(version).array();
    }

    private static int decodeVersion(byte[] bytes) {
        if (bytes.length != Integer.BYTES) {
            throw new IllegalStateException("schema version has " + bytes.length + " bytes, expected 4");
        }
        return ByteBuffer.wrap(bytes).getInt();
    }
}
