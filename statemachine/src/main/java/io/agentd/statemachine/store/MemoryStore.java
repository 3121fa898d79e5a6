package io.agentd.statemachine.store;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * A {@link DurableStore} in memory, for tests and simulations. Checkpoints are one file.
 * Thread-safe by synchronization; ordering is unsigned lexicographic, as RocksDB's.
 */
public final class MemoryStore implements DurableStore {
    private final Map<Table, TreeMap<byte[], byte[]>> tables = new EnumMap<>(Table.class);
    private AppliedIndex applied = AppliedIndex.NONE;

    public MemoryStore() {
        for (Table t : Table.values()) {
            tables.put(t, new TreeMap<>(Arrays::compareUnsigned));
        }
    }

    @Override
    public synchronized AppliedIndex applied() {
        return applied;
    }

    @Override
    public synchronized void commit(ChangeSet changes, AppliedIndex at) {
        for (Mutation m : changes.mutations()) {
            if (m.isDelete()) {
                tables.get(m.table()).remove(m.key());
            } else {
                tables.get(m.table()).put(m.key().clone(), m.value().clone());
            }
        }
        applied = at;
    }

    @Override
    public synchronized byte[] get(Table table, byte[] key) {
        byte[] v = tables.get(table).get(key);
        return v == null ? null : v.clone();
    }

    @Override
    public synchronized void scan(Table table, BiConsumer<byte[], byte[]> visitor) {
        tables.get(table).forEach((k, v) -> visitor.accept(k.clone(), v.clone()));
    }

    /** A copy (values are never changed in place, so the arrays are shared). */
    @Override
    public synchronized Frozen freeze() {
        Map<Table, TreeMap<byte[], byte[]>> copy = new EnumMap<>(Table.class);
        tables.forEach((t, m) -> copy.put(t, new TreeMap<>(m)));
        return new Frozen() {
            @Override
            public void scanAll(TableVisitor visitor) {
                copy.forEach((t, m) -> m.forEach((k, v) -> visitor.accept(t, k.clone(), v.clone())));
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public synchronized void checkpoint(Path dir) throws IOException {
        Files.createDirectories(dir.getParent() == null ? dir.toAbsolutePath().getParent() : dir.getParent());
        Files.createDirectory(dir);
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(dir.resolve("store.bin")))) {
            out.writeLong(applied.term());
            out.writeLong(applied.index());
            for (Table t : Table.values()) {
                TreeMap<byte[], byte[]> m = tables.get(t);
                out.writeInt(m.size());
                for (var e : m.entrySet()) {
                    out.writeInt(e.getKey().length);
                    out.write(e.getKey());
                    out.writeInt(e.getValue().length);
                    out.write(e.getValue());
                }
            }
        }
    }

    @Override
    public synchronized void restoreFrom(Path dir) throws IOException {
        try (DataInputStream in = new DataInputStream(Files.newInputStream(dir.resolve("store.bin")))) {
            AppliedIndex at = new AppliedIndex(in.readLong(), in.readLong());
            for (Table t : Table.values()) {
                TreeMap<byte[], byte[]> m = tables.get(t);
                m.clear();
                int n = in.readInt();
                for (int i = 0; i < n; i++) {
                    byte[] k = in.readNBytes(in.readInt());
                    byte[] v = in.readNBytes(in.readInt());
                    m.put(k, v);
                }
            }
            applied = at;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restore from " + dir, e);
        }
    }

    @Override
    public void close() {
    }
}
