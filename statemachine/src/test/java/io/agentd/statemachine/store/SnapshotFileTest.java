package io.agentd.statemachine.store;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SnapshotFileTest {
    private static final SnapshotFile.Header HEADER = new SnapshotFile.Header(SnapshotFile.FORMAT_VERSION,
            Table.SCHEMA_VERSION, 42, 3, 1234, 1_800_000_000_000L, "n2",
            List.of("n1 127.0.0.1:7411", "n2 127.0.0.1:7421", "n3 127.0.0.1:7431"));

    /** A store with rows in every table, some empty values and binary keys among them. */
    private static MemoryStore store(long seed, int rows) {
        Random r = new Random(seed);
        ChangeSet c = new ChangeSet();
        for (int i = 0; i < rows; i++) {
            Table t = Table.values()[r.nextInt(Table.values().length)];
            byte[] k = new byte[1 + r.nextInt(20)];
            r.nextBytes(k);
            byte[] v = new byte[r.nextInt(300)];
            r.nextBytes(v);
            c.put(t, k, v);
        }
        MemoryStore s = new MemoryStore();
        s.commit(c, new AppliedIndex(3, 1234));
        return s;
    }

    private static List<String> rows(DurableStore s) {
        List<String> out = new ArrayList<>();
        for (Table t : Table.values()) {
            s.scan(t, (k, v) -> out.add(t + " " + java.util.HexFormat.of().formatHex(k) + "="
                    + java.util.HexFormat.of().formatHex(v)));
        }
        return out;
    }

    private static byte[] bytes(MemoryStore s) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SnapshotFile.write(out, HEADER, s);
        return out.toByteArray();
    }

    @Test
    void everyRowAndTheHeaderComeBack() throws IOException {
        MemoryStore original = store(1, 500);
        byte[] file = bytes(original);
        SnapshotFile.Loaded loaded = SnapshotFile.load(new ByteArrayInputStream(file));
        assertThat(loaded.header()).isEqualTo(HEADER);
        assertThat(rows(loaded.store())).isEqualTo(rows(original)).hasSize((int) loaded.rows());
        assertThat(loaded.store().applied()).as("a restored store starts a new log").isEqualTo(AppliedIndex.NONE);
    }

    @Test
    void anEmptyStoreIsASnapshotToo() throws IOException {
        SnapshotFile.Loaded loaded = SnapshotFile.load(new ByteArrayInputStream(bytes(new MemoryStore())));
        assertThat(loaded.rows()).isZero();
    }

    @Test
    void aTruncatedFileIsRefusedWhereverItEnds() throws IOException {
        byte[] file = bytes(store(2, 40));
        for (int length = 0; length < file.length; length++) {
            byte[] cut = java.util.Arrays.copyOf(file, length);
            List<Table> seen = new ArrayList<>();
            assertThatThrownBy(() -> SnapshotFile.read(new ByteArrayInputStream(cut), (t, k, v) -> seen.add(t)))
                    .as("cut at %d of %d", length, file.length)
                    .isInstanceOf(SnapshotFile.InvalidSnapshotException.class);
        }
    }

    @Test
    void aChangedByteAnywhereIsRefused() throws IOException {
        byte[] file = bytes(store(3, 40));
        for (int at = 0; at < file.length; at++) {
            byte[] changed = file.clone();
            changed[at] ^= 0x20;
            assertThatThrownBy(() -> SnapshotFile.load(new ByteArrayInputStream(changed)))
                    .as("byte %d of %d", at, file.length)
                    .isInstanceOf(SnapshotFile.InvalidSnapshotException.class);
        }
        byte[] longer = java.util.Arrays.copyOf(file, file.length + 1);
        assertThatThrownBy(() -> SnapshotFile.load(new ByteArrayInputStream(longer)))
                .hasMessageContaining("bytes follow its checksum");
    }

    @Test
    void otherFilesAndOtherVersionsAreNamedForWhatTheyAre() throws IOException {
        assertThatThrownBy(() -> SnapshotFile.load(new ByteArrayInputStream(
                "{\"not\": \"a snapshot\"}\n".getBytes(StandardCharsets.UTF_8))))
                .hasMessageContaining("not an agentd snapshot");
        byte[] file = bytes(store(4, 5));
        file[SnapshotFile.MAGIC.length + 3] = 9; // format version 9
        assertThatThrownBy(() -> SnapshotFile.load(new ByteArrayInputStream(file)))
                .hasMessageContaining("snapshot format version 9 is not one this build reads (it reads 1)");
    }
}
