package io.agentd.daemon.raft;

import io.agentd.statemachine.store.AppliedIndex;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A toy replica: an append-only list of strings. Its memory plays the part of durable storage,
 * so a test "restarts" a node by starting a new RaftNode on the same instance. Snapshots are one
 * file. The reply of an entry is its index and leader time, 8 bytes each.
 */
final class ListStateMachine implements ReplicaStateMachine {
    static final String SNAPSHOT_FILE = "entries.txt";

    /** One applied entry. */
    record Entry(long term, long index, long leaderTimeMillis, String value) {
    }

    private final List<Entry> entries = new ArrayList<>();
    private AppliedIndex lastApplied = AppliedIndex.NONE;
    private final List<Long> applyCalls = new ArrayList<>();
    private final List<AppliedIndex> installs = new ArrayList<>();
    private final List<Long> prepares = new ArrayList<>();
    private final List<Long> snapshotIndices = new ArrayList<>();
    private int snapshotsWritten;
    private String failOn;
    private int padFiles;
    private int padBytes;

    @Override
    public synchronized AppliedIndex lastApplied() {
        return lastApplied;
    }

    @Override
    public synchronized Answer apply(long term, long index, long leaderTimeMillis, byte[] payload) {
        applyCalls.add(index);
        if (failOn != null && failOn.equals(new String(payload, StandardCharsets.UTF_8))) {
            throw new IllegalStateException("invariant broken by entry " + index);
        }
        if (index <= lastApplied.index()) {
            return null;
        }
        entries.add(new Entry(term, index, leaderTimeMillis, new String(payload, StandardCharsets.UTF_8)));
        lastApplied = new AppliedIndex(term, index);
        return Answer.ofBytes(reply(index, leaderTimeMillis));
    }

    static byte[] reply(long index, long leaderTimeMillis) {
        return ByteBuffer.allocate(16).putLong(index).putLong(leaderTimeMillis).array();
    }

    static long replyIndex(byte[] reply) {
        return ByteBuffer.wrap(reply).getLong(0);
    }

    static long replyTime(byte[] reply) {
        return ByteBuffer.wrap(reply).getLong(8);
    }

    @Override
    public synchronized void writeSnapshot(Path dir) throws IOException {
        Files.createDirectories(dir);
        StringBuilder text = new StringBuilder();
        text.append(lastApplied.term()).append(' ').append(lastApplied.index()).append('\n');
        for (Entry e : entries) {
            text.append(e.term()).append(' ').append(e.index()).append(' ').append(e.leaderTimeMillis()).append(' ')
                    .append(Base64.getEncoder().encodeToString(e.value().getBytes(StandardCharsets.UTF_8))).append('\n');
        }
        Files.writeString(dir.resolve(SNAPSHOT_FILE), text);
        for (int i = 0; i < padFiles; i++) {
            Files.write(dir.resolve("pad-" + i + ".bin"), new byte[padBytes]);
        }
        snapshotIndices.add(lastApplied.index());
        snapshotsWritten++;
    }

    @Override
    public synchronized void prepareSnapshot() {
        prepares.add(lastApplied.index());
    }

    /** The applied index at each {@link #prepareSnapshot} call. */
    synchronized List<Long> prepares() {
        return List.copyOf(prepares);
    }

    /** The applied index of each snapshot written. */
    synchronized List<Long> snapshotIndices() {
        return List.copyOf(snapshotIndices);
    }

    @Override
    public synchronized void installSnapshot(Path dir, AppliedIndex at) throws IOException {
        List<String> lines = Files.readAllLines(dir.resolve(SNAPSHOT_FILE));
        String[] head = lines.get(0).split(" ");
        AppliedIndex recorded = new AppliedIndex(Long.parseLong(head[0]), Long.parseLong(head[1]));
        if (!recorded.equals(at)) {
            throw new IOException("snapshot holds " + recorded + " but is installed as " + at);
        }
        List<Entry> loaded = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(" ");
            loaded.add(new Entry(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]),
                    new String(Base64.getDecoder().decode(f[3]), StandardCharsets.UTF_8)));
        }
        entries.clear();
        entries.addAll(loaded);
        lastApplied = at;
        installs.add(at);
    }

    /** Makes apply throw, as on an invariant or I/O failure, when it meets this payload. */
    synchronized void failOn(String payload) {
        this.failOn = payload;
    }

    /** Makes every snapshot also hold {@code files} files of {@code bytes} zero bytes, like a database checkpoint. */
    synchronized void padSnapshots(int files, int bytes) {
        this.padFiles = files;
        this.padBytes = bytes;
    }

    /** A copy of the state only (entries and applied index), as if it were read back from disk. */
    synchronized ListStateMachine copyState() {
        ListStateMachine copy = new ListStateMachine();
        copy.entries.addAll(entries);
        copy.lastApplied = lastApplied;
        return copy;
    }

    synchronized List<Entry> entries() {
        return List.copyOf(entries);
    }

    synchronized List<String> values() {
        return entries.stream().map(Entry::value).toList();
    }

    synchronized int size() {
        return entries.size();
    }

    synchronized List<Long> applyCalls() {
        return List.copyOf(applyCalls);
    }

    synchronized List<AppliedIndex> installs() {
        return List.copyOf(installs);
    }

    /** Entries applied from the log (not from a snapshot) since the last snapshot install. */
    synchronized long appliedSinceLastInstall() {
        long since = installs.isEmpty() ? 0 : installs.get(installs.size() - 1).index();
        return applyCalls.stream().filter(i -> i > since).count();
    }

    synchronized int snapshotsWritten() {
        return snapshotsWritten;
    }
}
