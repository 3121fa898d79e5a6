package io.agentd.worker.process;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reading an agent's log onward from a cursor ({@code agentctl logs --follow}). A cursor is a
 * file's sequence number (the rotations before it was {@code agent.log}) and an offset in it,
 * so it stays valid while its file is among the kept generations, wherever rotation moved it
 * (inode numbers would not do: a deleted file's inode comes back for the next new file). A
 * cursor whose file was rotated away resumes at the oldest kept file, and the chunk says so.
 */
public final class LogFollow {
    /** Lines after a cursor, the cursor after them, and whether lines were lost in between. */
    public record Chunk(List<String> lines, Cursor next, boolean skipped) {
    }

    /** A position: the file's sequence number and the offset just after the last line handed out. */
    public record Cursor(long sequence, long offset) {
        @Override
        public String toString() {
            return sequence + ":" + offset;
        }

        /** Parses {@code sequence:offset}; throws IllegalArgumentException naming the problem. */
        public static Cursor parse(String text) {
            int colon = text.indexOf(':');
            try {
                if (colon > 0) {
                    long ino = Long.parseLong(text.substring(0, colon));
                    long off = Long.parseLong(text.substring(colon + 1));
                    if (ino >= 0 && off >= 0) {
                        return new Cursor(ino, off);
                    }
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException("cursor must be SEQUENCE:OFFSET as a logs answer gave it, not '"
                    + text + "'");
        }
    }

    private LogFollow() {
    }

    /** The cursor at the current end of the log (where the next line will start), or null if there is none. */
    public static Cursor end(Path logDir) throws IOException {
        synchronized (RotatingLog.lock(logDir)) {
            Path file = RotatingLog.file(logDir, 0);
            try {
                return new Cursor(RotatingLog.sequence(logDir), Files.size(file));
            } catch (java.nio.file.NoSuchFileException e) {
                return null;
            }
        }
    }

    /**
     * Complete lines after {@code from}, at most about {@code maxBytes} of them. The newest file's
     * unfinished last line is left for the next call; older files are complete.
     */
    public static Chunk after(Path logDir, Cursor from, int maxBytes) throws IOException {
        // Open every file from the cursor's on to the newest under the rotation lock: once open,
        // a rotation cannot change what they hold (it renames or unlinks, never truncates).
        List<RandomAccessFile> files = new ArrayList<>();
        List<Long> sequences = new ArrayList<>();
        boolean skipped = false;
        long offset = from.offset();
        try {
            synchronized (RotatingLog.lock(logDir)) {
                long newest = RotatingLog.sequence(logDir);
                if (from.sequence() > newest) {
                    throw new IllegalArgumentException("cursor " + from + " is from another log");
                }
                int generation = (int) Math.min(Integer.MAX_VALUE, newest - from.sequence());
                int oldest = oldest(logDir);
                if (oldest < 0) {
                    return new Chunk(List.of(), from, false); // no log yet
                }
                if (generation > oldest) {
                    generation = oldest; // rotated away
                    skipped = true;
                    offset = 0;
                }
                for (int g = generation; g >= 0; g--) {
                    try {
                        files.add(new RandomAccessFile(RotatingLog.file(logDir, g).toFile(), "r"));
                        sequences.add(newest - g);
                    } catch (FileNotFoundException e) {
                        break; // a gap (a generation never written): what is open is all there is
                    }
                }
            }
            return read(files, sequences, offset, maxBytes, from, skipped);
        } finally {
            for (RandomAccessFile f : files) {
                f.close();
            }
        }
    }

    private static Chunk read(List<RandomAccessFile> files, List<Long> sequences, long offset, int maxBytes,
                              Cursor from, boolean skipped) throws IOException {
        List<String> lines = new ArrayList<>();
        Cursor next = from;
        int budget = maxBytes;
        for (int k = 0; k < files.size() && budget > 0; k++, offset = 0) {
            RandomAccessFile raf = files.get(k);
            boolean newest = k == files.size() - 1;
            long size = raf.length();
            if (offset > size) {
                offset = 0; // not the file the cursor meant
                skipped = true;
            }
            int len = (int) Math.min(size - offset, budget);
            boolean overlong = len == budget && size - offset > budget;
            byte[] bytes = new byte[len];
            raf.seek(offset);
            raf.readFully(bytes);
            int start = 0;
            for (int i = 0; i < len; i++) {
                if (bytes[i] == '\n') {
                    lines.add(new String(bytes, start, i - start, StandardCharsets.UTF_8));
                    start = i + 1;
                }
            }
            if (start == 0 && overlong) {
                lines.add(new String(bytes, 0, len, StandardCharsets.UTF_8)); // one line longer than the budget
                start = len;
            }
            boolean wholeFile = offset + len == size;
            if (!newest && wholeFile && start < len) {
                lines.add(new String(bytes, start, len - start, StandardCharsets.UTF_8)); // rotated: final
                start = len;
            }
            budget -= start;
            next = new Cursor(sequences.get(k), offset + start);
            if (!wholeFile || start < len) {
                break; // out of budget, or the newest file's line is not finished
            }
        }
        return new Chunk(lines, next, skipped);
    }

    private static int oldest(Path logDir) {
        int last = -1;
        for (int g = 0; g < AgentLaunch.MAX_LOG_FILES && Files.exists(RotatingLog.file(logDir, g)); g++) {
            last = g;
        }
        return last;
    }
}
