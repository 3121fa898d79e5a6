package io.agentd.statemachine.store;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A backup of the registry in one file (docs/operations.md, "Backup and restore"): every row of
 * every table of a replica's store, with a header saying what it is, and a SHA-256 of everything
 * before it at the end. It holds the rows, not a store's files, so that it outlives the storage
 * engine's own format; it does not hold the store's own bookkeeping (the applied index): a
 * restored store starts a new log.
 *
 * <pre>
 *   "AGENTD-SNAPSHOT\n"                    16 bytes
 *   format version                         int (big-endian), {@link #FORMAT_VERSION}
 *   header                                 schema version int; revision, applied term, applied
 *                                          index, taken-at millis: longs; taken-by: UTF; members:
 *                                          int count, then UTF each; tables: int count, then each
 *                                          table's name (UTF), in the order of their tags
 *   rows                                   tag byte (1 + the table's place in that list), key
 *                                          (int length, bytes), value (int length, bytes)
 *   end                                    tag 0, then the row count (long)
 *   checksum                               32 bytes: SHA-256 of all of the above
 * </pre>
 *
 * A reader hands rows on as they come and checks the count and the checksum only at the end: a
 * caller must keep what it gets aside until {@link #read} returns.
 */
public final class SnapshotFile {
    /** What every snapshot file starts with. */
    static final byte[] MAGIC = "AGENTD-SNAPSHOT\n".getBytes(StandardCharsets.US_ASCII);
    /** The format this build writes and the only one it reads. */
    public static final int FORMAT_VERSION = 1;
    /** Longest key or value a row may have (a file claiming more is corrupt). */
    private static final int MAX_FIELD = 64 << 20;
    private static final int MAX_LIST = 10_000;

    private SnapshotFile() {
    }

    /**
     * What a snapshot says of itself.
     *
     * @param revision     the registry's revision when it was taken
     * @param appliedTerm  the Raft term of the last entry applied then, on the member that took it
     * @param appliedIndex that entry's index
     * @param takenAt      the wall time of the member that took it (epoch millis)
     * @param takenBy      that member's id
     * @param members      the cluster's members then, as "ID RAFT-ADDRESS" each
     */
    public record Header(int formatVersion, int schemaVersion, long revision, long appliedTerm, long appliedIndex,
                         long takenAt, String takenBy, List<String> members) {
        public Header {
            Objects.requireNonNull(takenBy, "takenBy");
            members = List.copyOf(members);
        }
    }

    /** A snapshot that cannot be read: the message says what is wrong with it. */
    public static final class InvalidSnapshotException extends IOException {
        public InvalidSnapshotException(String message) {
            super(message);
        }
    }

    /** Receives the rows of a snapshot as they are read. */
    @FunctionalInterface
    public interface RowSink {
        void row(Table table, byte[] key, byte[] value) throws IOException;
    }

    /**
     * Writes every row of {@code store}, in table order and key order within a table, under a
     * header made of the given fields. The store must not change meanwhile (a checkpoint).
     * Returns the number of rows written.
     */
    public static long write(OutputStream target, Header header, DurableStore store) throws IOException {
        MessageDigest sha = sha256();
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new DigestOutputStream(
                nonClosing(target), sha), 1 << 16));
        out.write(MAGIC);
        out.writeInt(FORMAT_VERSION);
        out.writeInt(header.schemaVersion());
        out.writeLong(header.revision());
        out.writeLong(header.appliedTerm());
        out.writeLong(header.appliedIndex());
        out.writeLong(header.takenAt());
        out.writeUTF(header.takenBy());
        out.writeInt(header.members().size());
        for (String m : header.members()) {
            out.writeUTF(m);
        }
        Table[] tables = Table.values();
        out.writeInt(tables.length);
        for (Table t : tables) {
            out.writeUTF(t.cfName());
        }
        long[] rows = {0};
        for (int i = 0; i < tables.length; i++) {
            int tag = i + 1;
            try {
                store.scan(tables[i], (k, v) -> {
                    try {
                        out.writeByte(tag);
                        out.writeInt(k.length);
                        out.write(k);
                        out.writeInt(v.length);
                        out.write(v);
                        rows[0]++;
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }
        out.writeByte(0);
        out.writeLong(rows[0]);
        out.flush();
        target.write(sha.digest());
        target.flush();
        return rows[0];
    }

    /**
     * Reads a snapshot, handing each row to {@code sink}, and checks it whole: the magic, the
     * format version, that every row names a known table, the row count, the checksum, and that
     * nothing follows it. Throws {@link InvalidSnapshotException} saying what is wrong.
     */
    public static Header read(InputStream source, RowSink sink) throws IOException {
        MessageDigest sha = sha256();
        BufferedInputStream buffered = new BufferedInputStream(source, 1 << 16);
        DataInputStream in = new DataInputStream(new DigestInputStream(buffered, sha));
        try {
            byte[] magic = new byte[MAGIC.length];
            in.readFully(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new InvalidSnapshotException("not an agentd snapshot (it does not start with "
                        + "AGENTD-SNAPSHOT)");
            }
            int format = in.readInt();
            if (format != FORMAT_VERSION) {
                throw new InvalidSnapshotException("snapshot format version " + format
                        + " is not one this build reads (it reads " + FORMAT_VERSION + ")");
            }
            int schema = in.readInt();
            long revision = in.readLong();
            long term = in.readLong();
            long index = in.readLong();
            long takenAt = in.readLong();
            String takenBy = in.readUTF();
            List<String> members = new ArrayList<>();
            int memberCount = count(in.readInt(), "members");
            for (int i = 0; i < memberCount; i++) {
                members.add(in.readUTF());
            }
            int tableCount = count(in.readInt(), "tables");
            Table[] tables = new Table[tableCount];
            for (int i = 0; i < tableCount; i++) {
                String name = in.readUTF();
                tables[i] = Arrays.stream(Table.values()).filter(t -> t.cfName().equals(name)).findFirst()
                        .orElseThrow(() -> new InvalidSnapshotException("the snapshot has a table this build"
                                + " does not know: " + name));
            }
            long rows = 0;
            while (true) {
                int tag = in.readUnsignedByte();
                if (tag == 0) {
                    break;
                }
                if (tag > tableCount) {
                    throw new InvalidSnapshotException("corrupt snapshot: row " + (rows + 1) + " names table "
                            + tag + " of " + tableCount);
                }
                byte[] key = field(in, rows);
                byte[] value = field(in, rows);
                sink.row(tables[tag - 1], key, value);
                rows++;
            }
            long claimed = in.readLong();
            byte[] expected = sha.digest();
            byte[] stored = new byte[expected.length];
            if (buffered.readNBytes(stored, 0, stored.length) < stored.length) {
                throw new InvalidSnapshotException("truncated snapshot: the file ends inside its checksum");
            }
            if (claimed != rows) {
                throw new InvalidSnapshotException("corrupt snapshot: it ends after " + rows + " rows but says "
                        + claimed);
            }
            if (!MessageDigest.isEqual(expected, stored)) {
                throw new InvalidSnapshotException("corrupt snapshot: its SHA-256 does not match its content");
            }
            if (buffered.read() != -1) {
                throw new InvalidSnapshotException("corrupt snapshot: bytes follow its checksum");
            }
            return new Header(format, schema, revision, term, index, takenAt, takenBy, members);
        } catch (EOFException e) {
            throw new InvalidSnapshotException("truncated snapshot: the file ends before its checksum");
        } catch (java.io.UTFDataFormatException e) {
            throw new InvalidSnapshotException("corrupt snapshot: its header has text that is not UTF-8");
        }
    }

    /** A snapshot read whole into memory, checked: for looking inside one. */
    public record Loaded(Header header, MemoryStore store, long rows) {
    }

    /** {@link #read} into a new {@link MemoryStore} (the rows only; its applied index stays none). */
    public static Loaded load(InputStream source) throws IOException {
        ChangeSet rows = new ChangeSet();
        Header h = read(source, rows::put);
        MemoryStore store = new MemoryStore();
        store.commit(rows, AppliedIndex.NONE);
        return new Loaded(h, store, rows.size());
    }

    private static byte[] field(DataInputStream in, long row) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > MAX_FIELD) {
            throw new InvalidSnapshotException("corrupt snapshot: row " + (row + 1) + " claims " + length
                    + " bytes");
        }
        byte[] b = new byte[length];
        in.readFully(b);
        return b;
    }

    private static int count(int n, String what) throws InvalidSnapshotException {
        if (n < 0 || n > MAX_LIST) {
            throw new InvalidSnapshotException("corrupt snapshot: " + n + " " + what);
        }
        return n;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    private static OutputStream nonClosing(OutputStream out) {
        return new java.io.FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        };
    }
}
