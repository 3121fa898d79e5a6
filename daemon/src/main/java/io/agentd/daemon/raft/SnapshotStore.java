package io.agentd.daemon.raft;

import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.statemachine.SnapshotRetentionPolicy;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.impl.FileListSnapshotInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Snapshots as directories {@code snapshot.<term>_<index>} under Ratis' state machine directory
 * ({@code <storage>/<group>/sm}). A snapshot is written under a temporary name and renamed into
 * place, so a directory with the final name is always complete.
 *
 * <p>Ratis ships a snapshot to a follower file by file, with paths relative to the group
 * directory ({@code sm/snapshot.T_I/...}); the follower receives them in a temporary directory,
 * writes an MD5 sidecar next to every file, and then replaces its whole {@code sm} directory with
 * it. {@link #reload} picks that up and removes the sidecars, so the state machine sees exactly the
 * files it wrote.
 *
 * <p>Retention: the newest {@code retained} snapshots are kept (Ratis passes the count), and so is
 * every snapshot replaced less than the grace period ago. Ratis' leader reads a snapshot's files
 * lazily while it streams them to a follower and cannot hold them: deleting a snapshot under a
 * transfer fails it, and a transfer that takes longer than a few snapshot intervals would then
 * never finish.
 *
 * <p>Threads: written by Ratis' state machine thread; {@link #getLatestSnapshot} is read by log
 * appender threads too, hence the volatile reference to an immutable value.
 */
final class SnapshotStore implements StateMachineStorage {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotStore.class);
    private static final Pattern NAME = Pattern.compile("snapshot\\.(\\d+)_(\\d+)");
    private static final String PARTIAL_PREFIX = ".partial.";
    static final String MD5_SUFFIX = ".md5";

    /** One complete snapshot on disk. */
    record Snapshot(TermIndex termIndex, Path dir, FileListSnapshotInfo info) {
    }

    /** Writes the files of a snapshot into a directory that does not exist yet. */
    @FunctionalInterface
    interface Writer {
        void write(Path dir) throws IOException;
    }

    private final Duration grace;
    /** When each snapshot stopped being the latest (System.nanoTime), for the grace period. */
    private final Map<Path, Long> replacedAt = new ConcurrentHashMap<>();
    private volatile Path root;
    private volatile Snapshot latest;

    SnapshotStore(Duration grace) {
        this.grace = grace;
    }

    @Override
    public void init(RaftStorage storage) throws IOException {
        open(storage.getStorageDir().getStateMachineDir().toPath());
    }

    /** Uses {@code smDir} (created if missing), drops unfinished snapshots and loads the latest. */
    void open(Path smDir) throws IOException {
        Path dir = smDir.toAbsolutePath();
        Files.createDirectories(dir);
        root = dir;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, p -> name(p).startsWith(PARTIAL_PREFIX))) {
            for (Path partial : entries) {
                LOG.info("Deleting unfinished snapshot {}", partial);
                deleteRecursively(partial);
            }
        }
        publish(scanLatest());
        LOG.info("Snapshot directory {}, latest snapshot {}", dir, latest == null ? "none" : latest.termIndex());
    }

    Optional<Snapshot> latest() {
        return Optional.ofNullable(latest);
    }

    @Override
    public SnapshotInfo getLatestSnapshot() {
        Snapshot s = latest;
        return s == null ? null : s.info();
    }

    /** Re-reads the directory, which Ratis may have replaced with an installed snapshot. */
    Optional<Snapshot> reload() throws IOException {
        publish(scanLatest());
        return latest();
    }

    private void publish(Snapshot next) {
        Snapshot previous = latest;
        latest = next;
        if (previous != null && (next == null || !previous.dir().equals(next.dir()))) {
            replacedAt.putIfAbsent(previous.dir(), System.nanoTime());
        }
    }

    /**
     * Has {@code writer} write a snapshot at {@code at} and publishes it as the latest. The
     * directory is renamed into place only after every file and directory in it is synced.
     */
    Snapshot create(TermIndex at, Writer writer) throws IOException {
        Path dir = requireRoot();
        String name = nameOf(at);
        Path target = dir.resolve(name);
        if (Files.exists(target)) {
            throw new IOException("snapshot " + target + " already exists");
        }
        Path partial = dir.resolve(PARTIAL_PREFIX + name);
        deleteRecursively(partial);
        try {
            writer.write(partial);
            List<Path> files = regularFiles(partial);
            if (files.isEmpty()) {
                throw new IOException("the state machine wrote no file into snapshot " + partial);
            }
            for (Path f : files) {
                if (name(f).endsWith(MD5_SUFFIX)) {
                    throw new IOException("snapshot file " + f + " ends in " + MD5_SUFFIX
                            + ", which Ratis reserves for its checksum files");
                }
            }
            syncTree(partial);
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            fsync(dir, true);
        } catch (IOException | RuntimeException e) {
            deleteRecursively(partial);
            throw e;
        }
        Snapshot created = describe(target, at);
        publish(created);
        return created;
    }

    @Override
    public void cleanupOldSnapshots(SnapshotRetentionPolicy policy) throws IOException {
        int keep = policy == null ? SnapshotRetentionPolicy.DEFAULT_ALL_SNAPSHOTS_RETAINED
                : policy.getNumSnapshotsRetained();
        Path dir = root;
        if (keep <= 0 || dir == null) {
            return;
        }
        List<Path> all = snapshotDirs(dir);
        Snapshot current = latest;
        long now = System.nanoTime();
        for (int i = keep; i < all.size(); i++) {
            Path old = all.get(i);
            if (current != null && old.equals(current.dir())) {
                continue;
            }
            // Unknown here (found on disk at start): count the grace period from now.
            long replaced = replacedAt.computeIfAbsent(old, p -> now);
            if (now - replaced < grace.toNanos()) {
                continue;
            }
            LOG.info("Deleting old snapshot {}", old);
            deleteRecursively(old);
            replacedAt.remove(old);
        }
    }

    @Override
    public void format() {
        // Nothing to prepare: init creates the directory.
    }

    static String nameOf(TermIndex at) {
        return "snapshot." + at.getTerm() + "_" + at.getIndex();
    }

    private Path requireRoot() {
        Path dir = root;
        if (dir == null) {
            throw new IllegalStateException("snapshot store is not initialized");
        }
        return dir;
    }

    private Snapshot scanLatest() throws IOException {
        List<Path> dirs = snapshotDirs(requireRoot());
        if (dirs.isEmpty()) {
            return null;
        }
        Path newest = dirs.get(0);
        return describe(newest, termIndexOf(newest));
    }

    /** Snapshot directories, newest (highest index) first. */
    private static List<Path> snapshotDirs(Path dir) throws IOException {
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                if (NAME.matcher(name(p)).matches() && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    found.add(p);
                }
            }
        }
        found.sort(Comparator.comparingLong((Path p) -> termIndexOf(p).getIndex())
                .thenComparingLong(p -> termIndexOf(p).getTerm()).reversed());
        return found;
    }

    private static TermIndex termIndexOf(Path dir) {
        Matcher m = NAME.matcher(name(dir));
        if (!m.matches()) {
            throw new IllegalArgumentException("not a snapshot directory: " + dir);
        }
        return TermIndex.valueOf(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
    }

    /**
     * Lists a snapshot's files for Ratis, after removing the MD5 sidecars Ratis leaves when it
     * installs a snapshot. Paths are absolute: Ratis relativizes them to the group directory.
     * Digests are left to Ratis, which computes them while streaming.
     */
    private static Snapshot describe(Path dir, TermIndex at) throws IOException {
        List<Path> files = regularFiles(dir);
        List<FileInfo> infos = new ArrayList<>();
        for (Path f : files) {
            String n = name(f);
            if (n.endsWith(MD5_SUFFIX)
                    && Files.exists(f.resolveSibling(n.substring(0, n.length() - MD5_SUFFIX.length())))) {
                Files.delete(f);
                continue;
            }
            infos.add(new FileInfo(f, null));
        }
        if (infos.isEmpty()) {
            throw new IOException("snapshot " + dir + " holds no file");
        }
        return new Snapshot(at, dir, new FileListSnapshotInfo(infos, at));
    }

    private static List<Path> regularFiles(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).sorted().toList();
        }
    }

    private static void syncTree(Path dir) throws IOException {
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isRegularFile()) {
                    fsync(file, false);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                fsync(d, true);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void fsync(Path path, boolean directory) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some file systems refuse to open or sync a directory; the files themselves are synced.
            if (!directory) {
                throw e;
            }
        }
    }

    static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static String name(Path p) {
        Path n = p.getFileName();
        return n == null ? "" : n.toString();
    }
}
