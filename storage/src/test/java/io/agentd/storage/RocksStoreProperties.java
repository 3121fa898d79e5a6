package io.agentd.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentd.statemachine.store.AppliedIndex;
import io.agentd.statemachine.store.ChangeSet;
import io.agentd.statemachine.store.Table;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The store against a sorted in-memory model of its tables. */
class RocksStoreProperties {

    /** A small key space, with keys that sort differently as signed and as unsigned bytes. */
    private static final List<byte[]> KEYS = List.of(
            new byte[0], new byte[] {0}, new byte[] {0, 0}, new byte[] {1}, new byte[] {0x7f},
            new byte[] {(byte) 0x80}, new byte[] {(byte) 0x80, 1}, new byte[] {(byte) 0xff});

    /** One put (value non-null) or delete (value null). */
    record Op(Table table, byte[] key, byte[] value) {
        @Override
        public String toString() {
            String key = HexFormat.of().formatHex(this.key);
            return value == null ? "del " + table + "/" + key : "put " + table + "/" + key + "=" + HexFormat.of().formatHex(value);
        }
    }

    @Property(tries = 100)
    void scanEqualsTheModelAfterEveryCommitAndAfterReopen(@ForAll("changeSets") List<List<Op>> changeSets)
            throws IOException {
        Path dir = Files.createTempDirectory("rocks-store-property");
        try {
            Map<Table, TreeMap<byte[], byte[]>> model = new EnumMap<>(Table.class);
            for (Table table : Table.values()) {
                model.put(table, new TreeMap<>(Arrays::compareUnsigned));
            }
            AppliedIndex applied = AppliedIndex.NONE;
            try (RocksStore store = RocksStore.open(dir.resolve("db"))) {
                for (int i = 0; i < changeSets.size(); i++) {
                    ChangeSet changes = new ChangeSet();
                    for (Op op : changeSets.get(i)) {
                        if (op.value() == null) {
                            changes.delete(op.table(), op.key());
                            model.get(op.table()).remove(op.key());
                        } else {
                            changes.put(op.table(), op.key(), op.value());
                            model.get(op.table()).put(op.key(), op.value());
                        }
                    }
                    applied = new AppliedIndex(1, i + 1);
                    store.commit(changes, applied);
                    assertMatches(store, model, applied);
                }
            }
            try (RocksStore reopened = RocksStore.open(dir.resolve("db"))) {
                assertMatches(reopened, model, applied);
            }
        } finally {
            deleteTree(dir);
        }
    }

    @Provide
    Arbitrary<List<List<Op>>> changeSets() {
        Arbitrary<Op> op = Combinators.combine(
                        Arbitraries.of(Table.values()),
                        Arbitraries.integers().between(0, KEYS.size() - 1).map(KEYS::get),
                        Arbitraries.bytes().array(byte[].class).ofMaxSize(3).injectNull(0.3))
                .as(Op::new);
        return op.list().ofMaxSize(6).list().ofMaxSize(8);
    }

    private static void assertMatches(RocksStore store, Map<Table, TreeMap<byte[], byte[]>> model, AppliedIndex applied) {
        assertThat(store.applied()).isEqualTo(applied);
        for (Table table : Table.values()) {
            List<String> expected = new ArrayList<>();
            model.get(table).forEach((k, v) -> expected.add(Contents.entry(k, v)));
            assertThat(Contents.entries(store, table)).as(table.name()).isEqualTo(expected);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
