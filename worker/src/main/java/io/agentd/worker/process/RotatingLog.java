package io.agentd.worker.process;

import java.io.Closeable;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;

/**
 * An agent's log: {@code agent.log}, rotated to {@code agent.log.1} ... {@code agent.log.(N-1)}
 * when the next write would take it past {@code maxBytes}. No file grows beyond {@code maxBytes},
 * and a rotation falls after a newline unless one line alone is longer than {@link #HELD_LINE_LIMIT}
 * or a whole file.
 *
 * <p>Whole lines are written at once, so they are visible to {@link LogTail} and {@link LogFollow}
 * as soon as they are written. The unfinished line at the end of a write is held here until its
 * newline comes, the log is closed (the agent's output ended), or it reaches the hold limit: a
 * pipe is read in pieces that can end anywhere, and writing half a line into a file with no room
 * for the rest would split it across two files. Followers hand out whole lines only, so holding
 * the unfinished one hides nothing they would show.
 *
 * <p>Not thread-safe: one pump thread writes.
 */
final class RotatingLog implements Closeable {
    static final String FILE_NAME = "agent.log";
    /** Holds the sequence number of {@code agent.log}: how many rotations the directory has seen. */
    static final String SEQ_FILE = "agent.log.seq";
    private static final java.util.concurrent.ConcurrentHashMap<Path, Object> LOCKS =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** The longest unfinished line held in memory; a longer one is written as it comes. */
    static final int HELD_LINE_LIMIT = 64 * 1024;

    private final Path dir;
    private final long maxBytes;
    private final int maxFiles;
    private final int holdLimit;
    private FileOutputStream out;
    private long size;
    /** The unfinished line: bytes after the last newline written, not yet in the file. */
    private byte[] held = new byte[256];
    private int heldLength;

    RotatingLog(Path dir, long maxBytes, int maxFiles) throws IOException {
        if (maxBytes < 1 || maxFiles < 1) {
            throw new IllegalArgumentException("maxBytes and maxFiles must be positive");
        }
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.maxFiles = maxFiles;
        this.holdLimit = (int) Math.min(maxBytes, HELD_LINE_LIMIT);
        Files.createDirectories(dir);
        open();
    }

    /**
     * The lock a rotation holds, so a reader ({@link LogFollow}) can map sequence numbers to files
     * and open them without a rotation in between. Writer and readers live in the worker's JVM.
     */
    static Object lock(Path dir) {
        return LOCKS.computeIfAbsent(dir.toAbsolutePath().normalize(), d -> new Object());
    }

    /** The sequence number of {@code agent.log} in {@code dir}: 0 until the first rotation. */
    static long sequence(Path dir) throws IOException {
        Path f = dir.resolve(SEQ_FILE);
        try {
            return Long.parseLong(Files.readString(f).trim());
        } catch (java.nio.file.NoSuchFileException e) {
            return 0;
        } catch (NumberFormatException e) {
            throw new IOException(f + " is damaged: " + e.getMessage());
        }
    }

    /** {@code agent.log} for generation 0, else {@code agent.log.<generation>}. */
    static Path file(Path dir, int generation) {
        return dir.resolve(generation == 0 ? FILE_NAME : FILE_NAME + "." + generation);
    }

    /** Writes the whole lines among what was held and {@code bytes}, and holds the unfinished rest. */
    void write(byte[] bytes, int off, int len) throws IOException {
        int lines = lastNewline(bytes, off, len);
        if (lines > 0 && heldLength > 0) {
            hold(bytes, off, lines); // the held line ends here: write it whole
            emitHeld();
        } else if (lines > 0) {
            emit(bytes, off, lines);
        }
        hold(bytes, off + lines, len - lines);
        if (heldLength >= holdLimit) {
            emitHeld(); // too long to hold: it goes out as it comes, and may be split
        }
    }

    /** Writes what is held; on failure it is dropped, as the pump drops output it cannot write. */
    private void emitHeld() throws IOException {
        int n = heldLength;
        heldLength = 0;
        emit(held, 0, n);
    }

    private void hold(byte[] bytes, int off, int len) {
        if (heldLength + len > held.length) {
            held = Arrays.copyOf(held, Math.max(heldLength + len, 2 * held.length));
        }
        System.arraycopy(bytes, off, held, heldLength, len);
        heldLength += len;
    }

    private void emit(byte[] bytes, int off, int len) throws IOException {
        while (len > 0) {
            if (out == null) {
                open();
            }
            long room = maxBytes - size;
            if (len <= room) {
                append(bytes, off, len);
                return;
            }
            int fits = (int) Math.max(0, room);
            int cut = lastNewline(bytes, off, fits);
            if (cut > 0) {
                append(bytes, off, cut);
                off += cut;
                len -= cut;
            } else if (size == 0) {
                // One line longer than a whole file: split it.
                append(bytes, off, fits);
                off += fits;
                len -= fits;
            }
            rotate();
        }
    }

    /** Writes the unfinished line, if any, and closes the file. */
    @Override
    public void close() throws IOException {
        try {
            emitHeld();
        } finally {
            if (out != null) {
                out.close();
                out = null;
            }
        }
    }

    private void append(byte[] bytes, int off, int len) throws IOException {
        out.write(bytes, off, len);
        size += len;
    }

    /** Length of the prefix of {@code bytes[off, off+len)} that ends with its last newline, or 0. */
    private static int lastNewline(byte[] bytes, int off, int len) {
        for (int i = off + len - 1; i >= off; i--) {
            if (bytes[i] == '\n') {
                return i - off + 1;
            }
        }
        return 0;
    }

    private void open() throws IOException {
        Path current = file(dir, 0);
        out = new FileOutputStream(current.toFile(), true);
        size = Files.size(current);
    }

    private void rotate() throws IOException {
        close();
        synchronized (lock(dir)) {
            long seq = sequence(dir);
            Files.deleteIfExists(file(dir, maxFiles - 1));
            for (int g = maxFiles - 2; g >= 0; g--) {
                Path from = file(dir, g);
                if (Files.exists(from)) {
                    Files.move(from, file(dir, g + 1), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            // With maxFiles == 1 the loop moved nothing and the old file was deleted above.
            Path tmp = dir.resolve(SEQ_FILE + ".tmp");
            Files.writeString(tmp, Long.toString(seq + 1));
            Files.move(tmp, dir.resolve(SEQ_FILE), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
            open();
        }
    }
}
