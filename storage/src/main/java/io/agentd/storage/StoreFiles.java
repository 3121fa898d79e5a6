package io.agentd.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The file work of a {@link RocksStore} outside RocksDB: the siblings of its directory
 * ({@code <dir>.lock}, {@code <dir>.restore-new}, {@code <dir>.restore-old}), the crash-safe swap
 * of a restore and its completion after a crash, and copying, deleting and syncing whole trees.
 *
 * <p>Not thread-safe on one directory: callers hold the lock on {@code <dir>.lock}, and the store's
 * write lock around a swap.
 */
final class StoreFiles {
    private StoreFiles() {
    }

    /**
     * Locks {@code <dir>.lock}, a sibling because restores rename {@code dir} itself. Open
     * moves and deletes directories to recover from a crash, so it must never run while
     * another store has the directory open.
     *
     * @throws IllegalStateException if another store (in this or another process) holds the lock
     */
    static FileChannel lock(Path dir) {
        try {
            Files.createDirectories(dir.getParent());
            FileChannel channel = FileChannel.open(dir.resolveSibling(dir.getFileName() + ".lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                if (channel.tryLock() != null) {
                    return channel;
                }
            } catch (OverlappingFileLockException e) {
                // Held by another store in this JVM.
            } catch (IOException e) {
                channel.close();
                throw e;
            }
            channel.close();
            throw new IllegalStateException("store at " + dir + " is already open");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock store at " + dir, e);
        }
    }

    static Path stagingDir(Path dir) {
        return dir.resolveSibling(dir.getFileName() + ".restore-new");
    }

    static Path asideDir(Path dir) {
        return dir.resolveSibling(dir.getFileName() + ".restore-old");
    }

    /**
     * Puts the complete, fsync'd staging copy in the place of {@code dir} by two renames,
     * {@code dir -> <dir>.restore-old} and {@code <dir>.restore-new -> dir}, each made durable
     * before the next step. The old content stays aside for the caller to delete once the new
     * one opens; {@link #finishInterruptedRestore} completes a swap a crash interrupted.
     */
    static void swapInStaging(Path dir) throws IOException {
        Path aside = asideDir(dir);
        deleteTree(aside); // left over from an earlier restore whose cleanup failed
        Files.move(dir, aside, StandardCopyOption.ATOMIC_MOVE);
        fsyncDir(dir.getParent());
        Files.move(stagingDir(dir), dir, StandardCopyOption.ATOMIC_MOVE);
        fsyncDir(dir.getParent());
    }

    /**
     * Brings a directory left by a crash inside {@link RocksStore#restoreFrom} back to one store. The
     * staging copy is complete once the old content is aside (it is fsync'd before the
     * first rename), so with no {@code dir} the swap is finished forward; a staging copy
     * next to a live {@code dir} never got swapped in and is dropped.
     */
    static void finishInterruptedRestore(Path dir) throws IOException {
        Path staging = stagingDir(dir);
        Path aside = asideDir(dir);
        if (Files.exists(aside) && !Files.exists(dir)) {
            Path complete = Files.exists(staging) ? staging : aside;
            Files.move(complete, dir, StandardCopyOption.ATOMIC_MOVE);
            fsyncDir(dir.getParent());
        }
        deleteTree(aside);
        deleteTree(staging);
    }

    /** Copies {@code from} to the new directory {@code to}, every file and directory fsync'd. */
    static void copyTree(Path from, Path to) throws IOException {
        List<Path> sources;
        try (Stream<Path> walk = Files.walk(from)) {
            sources = walk.toList(); // parents before children
        }
        List<Path> dirs = new ArrayList<>();
        for (Path source : sources) {
            Path target = to.resolve(from.relativize(source).toString());
            if (Files.isDirectory(source)) {
                Files.createDirectories(target);
                dirs.add(target);
            } else {
                Files.copy(source, target);
                try (FileChannel channel = FileChannel.open(target, StandardOpenOption.WRITE)) {
                    channel.force(true);
                }
            }
        }
        for (Path d : dirs) {
            fsyncDir(d);
        }
        fsyncDir(to.getParent());
    }

    /** Deletes {@code root} and everything under it; nothing if it does not exist. */
    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(root)) {
            paths = walk.sorted(Comparator.reverseOrder()).toList(); // children before parents
        }
        for (Path p : paths) {
            Files.delete(p);
        }
    }

    /** {@link #deleteTree}, a failure added to {@code cause} as suppressed. */
    static void deleteQuietly(Path root, Exception cause) {
        try {
            deleteTree(root);
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
    }

    /** Makes renames and creations inside {@code dir} durable (POSIX needs the directory synced). */
    static void fsyncDir(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
