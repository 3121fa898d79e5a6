package io.agentd.statemachine;

import io.agentd.statemachine.codec.CommandCodec;
import io.agentd.statemachine.command.Command;
import io.agentd.statemachine.command.Envelope;
import io.agentd.statemachine.command.Reply;
import io.agentd.statemachine.store.MemoryStore;
import io.agentd.statemachine.store.Table;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Pins what each feature level's rules make of a log. For every level this build supports, a log
 * written by the build that introduced the level is checked in ({@code golden/level-N.entries}) with
 * digests of what applying it yields ({@code golden/level-N.digests}): the state's fingerprint, the
 * bytes in every table of the store (what a snapshot ships to another member), and the replies.
 *
 * <p>A change to a rule, to an entity's stored form or to a reply makes this fail: an old and a new
 * build would then apply one entry differently during a rolling upgrade. Put the change behind a new
 * feature level instead (docs/upgrades.md), and write that level's golden log with
 * {@code mvn test -pl statemachine -Dtest=GoldenLogTest -Dgolden.write=N}; existing files are never
 * overwritten.
 */
class GoldenLogTest {
    private static final String DIR = "golden/";
    /** Entries in a generated golden log. */
    private static final int ENTRIES = 400;

    @Test
    void everySupportedLevelStillYieldsWhatItsGoldenLogRecorded() throws IOException {
        for (int level = FeatureLevel.MIN_SUPPORTED; level <= FeatureLevel.MAX_SUPPORTED; level++) {
            List<String> lines = resource(DIR + "level-" + level + ".entries");
            List<String> expected = resource(DIR + "level-" + level + ".digests");
            if (lines == null || expected == null) {
                fail("feature level " + level + " has no golden log: write it with mvn test -pl statemachine"
                        + " -Dtest=GoldenLogTest -Dgolden.write=" + level);
            }
            Map<String, String> got = replay(parse(lines));
            for (String line : expected) {
                String[] kv = line.split(" ", 2);
                assertThat(got.get(kv[0]))
                        .as("the %s digest of golden/level-%d.entries changed: this build applies the entries of feature"
                                + " level %d differently from the build that wrote it, so the two would diverge in a"
                                + " rolling upgrade. Put the new behaviour behind a new feature level (docs/upgrades.md)",
                                kv[0], level, level)
                        .isEqualTo(kv[1]);
            }
            assertThat(got.keySet()).as("digests recorded for level %d", level)
                    .containsExactlyElementsOf(expected.stream().map(l -> l.split(" ", 2)[0]).toList());
        }
    }

    /**
     * A golden log pins only the rules it exercises: in each, every kind of command of its level
     * changes the state at least once, and most kinds are refused at least once too.
     */
    @Test
    void goldenLogsExerciseEveryCommandOfTheirLevel() throws IOException {
        for (int level = FeatureLevel.MIN_SUPPORTED; level <= FeatureLevel.MAX_SUPPORTED; level++) {
            List<String> lines = resource(DIR + "level-" + level + ".entries");
            assertThat(lines).as("golden/level-%d.entries", level).isNotNull();
            assertThat(missingKinds(level, parse(lines)))
                    .as("kinds of command that never change the state in golden/level-%d.entries", level).isEmpty();
        }
    }

    /** The kinds of command of {@code level} that no entry of the log makes take effect (or a note on the level). */
    private static List<String> missingKinds(int level, List<Entry> log) {
        Replica r = new Replica(new MemoryStore());
        long index = 0;
        java.util.Set<String> changed = new java.util.TreeSet<>();
        for (Entry e : log) {
            List<Envelope> batch = CommandCodec.decodeBatch(e.bytes());
            long before = r.state().revision();
            List<Reply> replies = r.apply(e.term(), ++index, e.stamp(), e.bytes());
            for (int i = 0; i < batch.size(); i++) {
                Reply reply = replies.get(i);
                if (reply.code() == ErrorCode.OK && reply.revision() > before) {
                    changed.add(batch.get(i).command().kind());
                    before = reply.revision();
                }
            }
        }
        List<String> kinds = new ArrayList<>(List.of("CreateNamespace", "SetQuota", "SpawnAgent", "StopAgent",
                "DeleteAgent", "SetMetadata", "ReportStatus", "RegisterWorker", "ExpireWorker", "MigrateAgent",
                "DrainWorker", "UndrainWorker", "PutCheckpoint", "RescheduleAgent", "ReportHealth", "CreateToken",
                "RevokeToken", "BootstrapToken"));
        if (level >= 2) {
            kinds.addAll(List.of("SetFeatureLevel", "StartAgent"));
        }
        if (level >= 3) {
            kinds.addAll(List.of("SetProvider", "DeleteProvider"));
        }
        kinds.removeAll(changed);
        if (r.state().featureLevel() != level) {
            kinds.add("(the log leaves the cluster at level " + r.state().featureLevel() + ")");
        }
        return kinds;
    }

    /** Writes golden files for the level named by {@code -Dgolden.write=N} when asked; never overwrites. */
    @net.jqwik.api.Example
    void writeGoldenLogWhenAsked() throws IOException {
        String asked = System.getProperty("golden.write");
        if (asked == null || asked.isBlank()) {
            return;
        }
        int level = Integer.parseInt(asked.trim());
        Path dir = Path.of("src/test/resources", DIR);
        Path log = dir.resolve("level-" + level + ".entries");
        Path digests = dir.resolve("level-" + level + ".digests");
        if (Files.exists(log) || Files.exists(digests)) {
            fail(log + " exists; golden logs are written once, by the build that introduces their level");
        }
        // The first token can only come first: a bootstrap. Then the level, when not the initial one.
        List<Commands.Entry> prefix = new ArrayList<>();
        prefix.add(new Commands.Entry(List.of(new Envelope(null, "golden", new Command.BootstrapToken("f".repeat(64)))),
                900));
        if (level > FeatureLevel.INITIAL) {
            prefix.add(new Commands.Entry(List.of(new Envelope(null, "golden", new Command.SetFeatureLevel(level))),
                    1_000));
        }
        // Drawn until one log makes every kind of command take effect (a few tries at most).
        List<Entry> entries = null;
        for (int seed = 0; seed < 50 && entries == null; seed++) {
            List<Entry> tried = new ArrayList<>();
            for (Commands.Entry e : Commands.log(level, ENTRIES, ENTRIES, prefix).generator(1000)
                    .next(new Random(20261207L + seed)).value()) {
                tried.add(new Entry(1, e.stamp(), CommandCodec.encodeBatch(e.envelopes())));
            }
            if (missingKinds(level, tried).isEmpty()) {
                entries = tried;
            }
        }
        assertThat(entries).as("a drawn log that exercises every command of level %d", level).isNotNull();
        StringBuilder text = new StringBuilder("# feature level " + level + ": term, leader time, entry (base64)\n");
        for (Entry e : entries) {
            text.append(e.term()).append(' ').append(e.stamp()).append(' ')
                    .append(Base64.getEncoder().encodeToString(e.bytes())).append('\n');
        }
        StringBuilder sums = new StringBuilder();
        replay(entries).forEach((k, v) -> sums.append(k).append(' ').append(v).append('\n'));
        Files.createDirectories(dir);
        Files.writeString(log, text);
        Files.writeString(digests, sums);
    }

    record Entry(long term, long stamp, byte[] bytes) {
    }

    private static List<Entry> parse(List<String> lines) {
        List<Entry> out = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.split(" ");
            out.add(new Entry(Long.parseLong(f[0]), Long.parseLong(f[1]), Base64.getDecoder().decode(f[2])));
        }
        return out;
    }

    /**
     * Applies the log to a fresh replica: digests of the final state, of every write to the store
     * entry by entry (so a rule whose effect a later entry overwrites still counts), of the store's
     * final contents, and of the replies.
     */
    private static Map<String, String> replay(List<Entry> log) {
        MemoryStore store = new MemoryStore();
        MessageDigest writes = sha256();
        Replica r = new Replica(new Recording(store, writes));
        MessageDigest replies = sha256();
        long index = 0;
        for (Entry e : log) {
            replies.update(CommandCodec.encodeReplies(r.apply(e.term(), ++index, e.stamp(), e.bytes())));
        }
        Map<String, String> out = new LinkedHashMap<>();
        out.put("state", HexFormat.of().formatHex(sha256().digest(r.state().fingerprint()
                .getBytes(StandardCharsets.UTF_8))));
        out.put("writes", HexFormat.of().formatHex(writes.digest()));
        try (MemoryStore.Frozen contents = store.freeze()) {
            out.put("store", io.agentd.statemachine.store.StoreDigest.sha256(contents)); // what cluster check compares
        }
        out.put("replies", HexFormat.of().formatHex(replies.digest()));
        return out;
    }

    /** A store that feeds every write it commits, in order, to a digest. */
    private record Recording(MemoryStore store, MessageDigest digest) implements io.agentd.statemachine.store.DurableStore {
        @Override
        public io.agentd.statemachine.store.AppliedIndex applied() {
            return store.applied();
        }

        @Override
        public void commit(io.agentd.statemachine.store.ChangeSet changes, io.agentd.statemachine.store.AppliedIndex at) {
            for (io.agentd.statemachine.store.Mutation m : changes.mutations()) {
                digest.update((byte) m.table().ordinal());
                digest.update(lengthOf(m.key()));
                digest.update(m.key());
                if (m.isDelete()) {
                    digest.update((byte) 0);
                } else {
                    digest.update((byte) 1);
                    digest.update(lengthOf(m.value()));
                    digest.update(m.value());
                }
            }
            store.commit(changes, at);
        }

        @Override
        public byte[] get(Table table, byte[] key) {
            return store.get(table, key);
        }

        @Override
        public Frozen freeze() {
            return store.freeze();
        }

        @Override
        public void scan(Table table, java.util.function.BiConsumer<byte[], byte[]> visitor) {
            store.scan(table, visitor);
        }

        @Override
        public void checkpoint(Path dir) throws IOException {
            store.checkpoint(dir);
        }

        @Override
        public void restoreFrom(Path dir) throws IOException {
            store.restoreFrom(dir);
        }

        @Override
        public void close() {
            store.close();
        }
    }

    private static byte[] lengthOf(byte[] b) {
        return new byte[]{(byte) (b.length >>> 24), (byte) (b.length >>> 16), (byte) (b.length >>> 8), (byte) b.length};
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The non-comment lines of a test resource, or null when there is none. */
    private static List<String> resource(String name) throws IOException {
        try (InputStream in = GoldenLogTest.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                return null;
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        }
    }
}
