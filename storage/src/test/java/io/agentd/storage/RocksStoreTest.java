package io.agentd.storage;

import static io.agentd.storage.Contents.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agentd.statemachine.store.AppliedIndex;
import io.agentd.statemachine.store.ChangeSet;
import io.agentd.statemachine.store.Table;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

class RocksStoreTest {
    @TempDir
    Path tmp;

    @Test
    void aNewStoreIsEmptyWithNoAppliedIndex() {
        try (RocksStore store = RocksStore.open(tmp.resolve("db"))) {
            assertThat(store.applied()).isEqualTo(AppliedIndex.NONE);
            for (Table table : Table.values()) {
                assertThat(Contents.entries(store, table)).as(table.name()).isEmpty();
            }
            assertThat(store.get(Table.ENTITIES, bytes("missing"))).isNull();
        }
    }

    @Test
    void aFrozenStoreIsReadAsItWasAndAgreesWithAMemoryStoreOfTheSameWrites() throws Exception {
        io.agentd.statemachine.store.MemoryStore memory = new io.agentd.statemachine.store.MemoryStore();
        try (RocksStore store = RocksStore.open(tmp.resolve("db"))) {
            for (int i = 1; i <= 20; i++) {
                ChangeSet changes = new ChangeSet();
                changes.put(Table.ENTITIES, bytes("agent/" + i), bytes("spec " + i));
                changes.put(Table.AUDIT, bytes("audit/" + i), bytes("did " + i));
                store.commit(changes, new AppliedIndex(1, i));
                memory.commit(changes, new AppliedIndex(1, i));
            }
            io.agentd.statemachine.store.DurableStore.Frozen frozen = store.freeze();
            String atTwenty = io.agentd.statemachine.store.StoreDigest.sha256(memory.freeze());
            ChangeSet later = new ChangeSet();
            later.put(Table.ENTITIES, bytes("agent/21"), bytes("spec 21"));
            later.delete(Table.ENTITIES, bytes("agent/1"));
            store.commit(later, new AppliedIndex(1, 21));
            // Read after the commit: still what there was at index 20, the same bytes as the memory store's.
            assertThat(io.agentd.statemachine.store.StoreDigest.sha256(frozen)).isEqualTo(atTwenty);
            frozen.close();
            frozen.close(); // twice is harmless
            memory.commit(later, new AppliedIndex(1, 21));
            try (var now = store.freeze()) {
                assertThat(io.agentd.statemachine.store.StoreDigest.sha256(now))
                        .isEqualTo(io.agentd.statemachine.store.StoreDigest.sha256(memory.freeze()))
                        .isNotEqualTo(atTwenty);
            }
            // A store replaced since it was frozen is not read as if it were the same.
            io.agentd.statemachine.store.DurableStore.Frozen old = store.freeze();
            store.checkpoint(tmp.resolve("cp"));
            store.restoreFrom(tmp.resolve("cp"));
            assertThatThrownBy(() -> io.agentd.statemachine.store.StoreDigest.sha256(old))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("replaced or closed");
            old.close();
        }
    }

    @Test
    void commitThenReopenBringsBackEveryKeyAndTheAppliedIndex() {
        Path dir = tmp.resolve("db");
        Map<Table, List<String>> before;
        try (RocksStore store = RocksStore.open(dir)) {
            for (int i = 1; i <= 20; i++) {
                ChangeSet changes = new ChangeSet();
                changes.put(Table.ENTITIES, bytes("agent/" + i), bytes("spec " + i));
                changes.put(Table.EVENTS, bytes("event/" + i), bytes("created " + i));
                changes.put(Table.META, bytes("revision"), bytes(Integer.toString(i)));
                store.commit(changes, new AppliedIndex(3, i));
            }
            before = Contents.of(store);
        }
        try (RocksStore store = RocksStore.open(dir)) {
            assertThat(store.applied()).isEqualTo(new AppliedIndex(3, 20));
            assertThat(Contents.of(store)).isEqualTo(before);
            assertThat(store.get(Table.ENTITIES, bytes("agent/7"))).isEqualTo(bytes("spec 7"));
            assertThat(store.get(Table.META, bytes("revision"))).isEqualTo(bytes("20"));
        }
    }

    @Test
    void aBatchOfPutsAndDeletesAcrossTablesLandsWholeAndInOrder() {
        Path dir = tmp.resolve("db");
        try (RocksStore store = RocksStore.open(dir)) {
            ChangeSet first = new ChangeSet();
            first.put(Table.ENTITIES, bytes("a"), bytes("1"));
            first.put(Table.DEDUP, bytes("req-1"), bytes("ok"));
            store.commit(first, new AppliedIndex(1, 1));

            ChangeSet second = new ChangeSet();
            second.delete(Table.ENTITIES, bytes("a"));
            second.put(Table.ENTITIES, bytes("b"), bytes("2"));
            second.put(Table.ENTITIES, bytes("b"), bytes("3")); // the later write wins
            second.put(Table.AUDIT, bytes("x"), bytes("gone soon"));
            second.delete(Table.AUDIT, bytes("x"));
            second.delete(Table.DEDUP, bytes("req-1"));
            second.put(Table.EVENTS, bytes("e"), new byte[0]);
            store.commit(second, new AppliedIndex(1, 2));
        }
        try (RocksStore store = RocksStore.open(dir)) {
            assertThat(store.applied()).isEqualTo(new AppliedIndex(1, 2));
            assertThat(Contents.entries(store, Table.ENTITIES)).containsExactly(Contents.entry(bytes("b"), bytes("3")));
            assertThat(Contents.entries(store, Table.AUDIT)).isEmpty();
            assertThat(Contents.entries(store, Table.DEDUP)).isEmpty();
            assertThat(store.get(Table.EVENTS, bytes("e"))).isEmpty();
        }
    }

    @Test
    void anEmptyChangeSetStillAdvancesTheAppliedIndex() {
        try (RocksStore store = RocksStore.open(tmp.resolve("db"))) {
            store.commit(new ChangeSet(), new AppliedIndex(2, 9));
            assertThat(store.applied()).isEqualTo(new AppliedIndex(2, 9));
        }
    }

    @Test
    void scanVisitsKeysInUnsignedByteOrder() {
        try (RocksStore store = RocksStore.open(tmp.resolve("db"))) {
            ChangeSet changes = new ChangeSet();
            byte[][] keys = {{(byte) 0xff}, {(byte) 0x80}, {0x7f}, {0x00, 0x00}, {0x00}, {}};
            for (byte[] key : keys) {
                changes.put(Table.ENTITIES, key, new byte[] {1});
            }
            store.commit(changes, new AppliedIndex(1, 1));
            List<String> keysSeen = new ArrayList<>();
            store.scan(Table.ENTITIES, (k, v) -> keysSeen.add(HexFormat.of().formatHex(k)));
            assertThat(keysSeen).containsExactly("", "00", "0000", "7f", "80", "ff");
        }
    }

    @Test
    void theMetaKeysTheStoreOwnsAreHiddenAndCannotBeWritten() {
        try (RocksStore store = RocksStore.open(tmp.resolve("db"))) {
            ChangeSet changes = new ChangeSet();
            changes.put(Table.META, bytes("revision"), bytes("1"));
            store.commit(changes, new AppliedIndex(1, 1));

            assertThat(Contents.entries(store, Table.META)).containsExactly(Contents.entry(bytes("revision"), bytes("1")));
            assertThat(store.get(Table.META, RocksStore.APPLIED_KEY)).isNull();
            assertThat(store.get(Table.META, StoreSchema.SCHEMA_KEY)).isNull();

            ChangeSet forged = new ChangeSet();
            forged.put(Table.ENTITIES, bytes("fine"), bytes("1"));
            forged.put(Table.META, RocksStore.APPLIED_KEY, new byte[16]);
            assertThatThrownBy(() -> store.commit(forged, new AppliedIndex(1, 2)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("storage.applied-index");
            assertThat(store.applied()).isEqualTo(new AppliedIndex(1, 1));
            assertThat(store.get(Table.ENTITIES, bytes("fine"))).isNull();
        }
    }

    @Test
    void checkpointThenRestoreOnAnotherStoreGivesTheSameContentAndLeavesTheCheckpointAlone() throws Exception {
        Path checkpoint = tmp.resolve("snapshots/snap-1");
        Map<Table, List<String>> expected;
        try (RocksStore source = RocksStore.open(tmp.resolve("a"))) {
            for (int i = 1; i <= 50; i++) {
                ChangeSet changes = new ChangeSet();
                for (Table table : Table.values()) {
                    changes.put(table, bytes(table.cfName() + "/" + i), bytes("value " + i));
                }
                changes.delete(Table.ENTITIES, bytes("entities/" + (i - 1)));
                source.commit(changes, new AppliedIndex(4, 100 + i));
            }
            source.checkpoint(checkpoint);
            expected = Contents.of(source);
            // Later commits to the source must not show in the checkpoint.
            ChangeSet later = new ChangeSet();
            later.put(Table.ENTITIES, bytes("after"), bytes("checkpoint"));
            source.commit(later, new AppliedIndex(4, 151));
        }
        Map<String, String> checkpointFiles = digests(checkpoint);

        try (RocksStore target = RocksStore.open(tmp.resolve("b"))) {
            ChangeSet other = new ChangeSet();
            other.put(Table.ENTITIES, bytes("only-in-b"), bytes("1"));
            other.put(Table.DEDUP, bytes("req"), bytes("2"));
            target.commit(other, new AppliedIndex(1, 7));

            target.restoreFrom(checkpoint);

            assertThat(target.applied()).isEqualTo(new AppliedIndex(4, 150));
            assertThat(Contents.of(target)).isEqualTo(expected);
            assertThat(target.get(Table.ENTITIES, bytes("only-in-b"))).isNull();
            assertThat(target.get(Table.ENTITIES, bytes("after"))).isNull();

            // The restored store is live: it takes commits and keeps them across a reopen.
            ChangeSet next = new ChangeSet();
            next.put(Table.ENTITIES, bytes("next"), bytes("1"));
            target.commit(next, new AppliedIndex(4, 151));
        }
        try (RocksStore target = RocksStore.open(tmp.resolve("b"))) {
            assertThat(target.applied()).isEqualTo(new AppliedIndex(4, 151));
            assertThat(target.get(Table.ENTITIES, bytes("next"))).isEqualTo(bytes("1"));
        }
        assertThat(digests(checkpoint)).isEqualTo(checkpointFiles);
        assertThat(StoreFiles.stagingDir(tmp.resolve("b"))).doesNotExist();
        assertThat(StoreFiles.asideDir(tmp.resolve("b"))).doesNotExist();
    }

    @Test
    void aCheckpointPreparedWhileCommitsGoOnHoldsEverythingCommittedBeforeIt() throws Exception {
        Path checkpoint = tmp.resolve("snapshots/prepared");
        Map<Table, List<String>> expected;
        try (RocksStore source = RocksStore.open(tmp.resolve("a"))) {
            for (int i = 1; i <= 200; i++) {
                ChangeSet changes = new ChangeSet();
                for (Table table : Table.values()) {
                    changes.put(table, bytes(table.cfName() + "/" + i), bytes("value " + i));
                }
                source.commit(changes, new AppliedIndex(2, i));
                if (i == 100) {
                    source.prepareCheckpoint(); // a background flush while commits continue
                }
            }
            expected = Contents.of(source);
            source.checkpoint(checkpoint);
            source.prepareCheckpoint(); // harmless with nothing to flush, and again after it
            assertThat(Contents.of(source)).isEqualTo(expected);
        }
        try (RocksStore restored = RocksStore.open(tmp.resolve("b"))) {
            restored.restoreFrom(checkpoint);
            assertThat(restored.applied()).isEqualTo(new AppliedIndex(2, 200));
            assertThat(Contents.of(restored)).isEqualTo(expected);
        }
    }

    @Test
    void checkpointIntoAnExistingDirectoryIsRefused() throws IOException {
        Path existing = Files.createDirectory(tmp.resolve("taken"));
        try (RocksStore store = RocksStore.open(tmp.resolve("db"))) {
            assertThatThrownBy(() -> store.checkpoint(existing)).isInstanceOf(FileAlreadyExistsException.class);
        }
    }

    @Test
    void restoreFromSomethingThatIsNotACheckpointLeavesTheStoreUsable() throws IOException {
        Path notACheckpoint = Files.createDirectory(tmp.resolve("junk"));
        Files.writeString(notACheckpoint.resolve("file"), "hello");
        Path dir = tmp.resolve("db");
        try (RocksStore store = RocksStore.open(dir)) {
            ChangeSet changes = new ChangeSet();
            changes.put(Table.ENTITIES, bytes("k"), bytes("v"));
            store.commit(changes, new AppliedIndex(1, 1));

            assertThatThrownBy(() -> store.restoreFrom(notACheckpoint)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store.restoreFrom(tmp.resolve("nowhere"))).isInstanceOf(IOException.class);

            assertThat(store.get(Table.ENTITIES, bytes("k"))).isEqualTo(bytes("v"));
            assertThat(StoreFiles.stagingDir(dir)).doesNotExist();
        }
    }

    @Test
    void aStoreOfAnotherSchemaVersionIsRefusedNamingBothVersions() {
        Path dir = tmp.resolve("db");
        try (RocksStore future = RocksStore.open(dir, 2)) {
            ChangeSet changes = new ChangeSet();
            changes.put(Table.ENTITIES, bytes("k"), bytes("v"));
            future.commit(changes, new AppliedIndex(1, 1));
        }
        assertThatThrownBy(() -> RocksStore.open(dir))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(dir.toString())
                .hasMessageContaining("schema version 2")
                .hasMessageContaining("schema version " + Table.SCHEMA_VERSION);
        // Refusing changed nothing: the newer build still opens it.
        try (RocksStore future = RocksStore.open(dir, 2)) {
            assertThat(future.get(Table.ENTITIES, bytes("k"))).isEqualTo(bytes("v"));
        }
    }

    @Test
    void aNewerStoreWithAnExtraColumnFamilyIsRefusedByVersionNotByRocksDb() throws Exception {
        Path dir = tmp.resolve("db");
        RocksStore.open(dir, 2).close();
        addColumnFamily(dir, "added-in-v2");

        assertThatThrownBy(() -> RocksStore.open(dir))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("schema version 2");
    }

    @Test
    void restoreFromACheckpointOfAnotherSchemaVersionIsRefused() throws IOException {
        Path checkpoint = tmp.resolve("snap");
        try (RocksStore future = RocksStore.open(tmp.resolve("future"), 2)) {
            future.checkpoint(checkpoint);
        }
        try (RocksStore store = RocksStore.open(tmp.resolve("db"))) {
            assertThatThrownBy(() -> store.restoreFrom(checkpoint))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("schema version 2");
            assertThat(store.applied()).isEqualTo(AppliedIndex.NONE);
        }
    }

    @Test
    void aStoreCanBeOpenOnlyOnceAtATime() {
        Path dir = tmp.resolve("db");
        try (RocksStore store = RocksStore.open(dir)) {
            assertThatThrownBy(() -> RocksStore.open(dir))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already open");
            assertThat(store.applied()).isEqualTo(AppliedIndex.NONE);
        }
        RocksStore.open(dir).close();
    }

    @Test
    void callsAfterCloseThrowAndCloseIsIdempotent() {
        RocksStore store = RocksStore.open(tmp.resolve("db"));
        store.close();
        store.close();
        assertThatThrownBy(store::applied).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> store.get(Table.META, bytes("k"))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> store.scan(Table.META, (k, v) -> {})).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> store.commit(new ChangeSet(), new AppliedIndex(1, 1)))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> store.checkpoint(tmp.resolve("snap"))).isInstanceOf(IllegalStateException.class);
    }

    // ---- a crash inside restoreFrom, at each step of the swap ----

    @Test
    void aCrashBetweenTheTwoRenamesIsFinishedForwardOnOpen() throws IOException {
        Path dir = tmp.resolve("db");
        Path newContent = storeWith(tmp.resolve("new"), "new", 20);
        storeWith(dir, "old", 10);
        copyDir(newContent, StoreFiles.stagingDir(dir));
        Files.move(dir, StoreFiles.asideDir(dir));

        try (RocksStore store = RocksStore.open(dir)) {
            assertThat(store.applied()).isEqualTo(new AppliedIndex(1, 20));
            assertThat(store.get(Table.ENTITIES, bytes("k"))).isEqualTo(bytes("new"));
        }
        assertThat(StoreFiles.stagingDir(dir)).doesNotExist();
        assertThat(StoreFiles.asideDir(dir)).doesNotExist();
    }

    @Test
    void aCrashWhileCopyingTheCheckpointKeepsTheOldContent() throws IOException {
        Path dir = tmp.resolve("db");
        storeWith(dir, "old", 10);
        Path staging = Files.createDirectory(StoreFiles.stagingDir(dir));
        Files.writeString(staging.resolve("000012.sst"), "half a file");

        try (RocksStore store = RocksStore.open(dir)) {
            assertThat(store.applied()).isEqualTo(new AppliedIndex(1, 10));
            assertThat(store.get(Table.ENTITIES, bytes("k"))).isEqualTo(bytes("old"));
        }
        assertThat(staging).doesNotExist();
    }

    @Test
    void aCrashBeforeTheOldCopyIsDeletedKeepsTheNewContent() throws IOException {
        Path dir = tmp.resolve("db");
        storeWith(dir, "old", 10);
        Files.move(dir, StoreFiles.asideDir(dir));
        copyDir(storeWith(tmp.resolve("new"), "new", 20), dir);

        try (RocksStore store = RocksStore.open(dir)) {
            assertThat(store.applied()).isEqualTo(new AppliedIndex(1, 20));
            assertThat(store.get(Table.ENTITIES, bytes("k"))).isEqualTo(bytes("new"));
        }
        assertThat(StoreFiles.asideDir(dir)).doesNotExist();
    }

    // ---- helpers ----

    /** A closed store whose ENTITIES key "k" holds {@code value}, applied up to (1, index). */
    private static Path storeWith(Path dir, String value, long index) {
        try (RocksStore store = RocksStore.open(dir)) {
            ChangeSet changes = new ChangeSet();
            changes.put(Table.ENTITIES, bytes("k"), bytes(value));
            store.commit(changes, new AppliedIndex(1, index));
        }
        return dir;
    }

    private static void copyDir(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.toList()) {
                Files.copy(file, to.resolve(file.getFileName()));
            }
        }
    }

    /** Relative path to SHA-256 of every file under {@code root}. */
    private static Map<String, String> digests(Path root) throws IOException, NoSuchAlgorithmException {
        Map<String, String> digests = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                byte[] hash = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
                digests.put(root.relativize(file).toString(), HexFormat.of().formatHex(hash));
            }
        }
        return digests;
    }

    /** Opens a closed store with raw RocksDB and adds a column family, as a newer schema might. */
    private static void addColumnFamily(Path dir, String name) throws Exception {
        try (Options listOptions = new Options();
                DBOptions options = new DBOptions().setCreateMissingColumnFamilies(true);
                ColumnFamilyOptions familyOptions = new ColumnFamilyOptions()) {
            List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
            for (byte[] existing : RocksDB.listColumnFamilies(listOptions, dir.toString())) {
                descriptors.add(new ColumnFamilyDescriptor(existing, familyOptions));
            }
            descriptors.add(new ColumnFamilyDescriptor(bytes(name), familyOptions));
            List<ColumnFamilyHandle> handles = new ArrayList<>();
            RocksDB db = RocksDB.open(options, dir.toString(), descriptors, handles);
            handles.forEach(ColumnFamilyHandle::close);
            db.close();
        }
    }
}
