package io.agentd.worker.process;

import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;

/**
 * The last lines of an agent's log ({@code agentctl logs --tail N}), read backwards from
 * {@code agent.log} and on into {@code agent.log.1}, {@code agent.log.2}, ... as far as needed,
 * so the cost follows N rather than the size of the log.
 *
 * <p>Safe to call while the agent writes; a rotation during the call may repeat or skip lines.
 * Bytes that are not UTF-8 become U+FFFD.
 */
public final class LogTail {
    private static final int BLOCK = 8192;

    private LogTail() {
    }

    /** Up to {@code n} last lines of the log in {@code logDir}, oldest first; empty if there is no log. */
    public static List<String> lastLines(Path logDir, int n) throws IOException {
        return lastLines(logDir, n, Long.MAX_VALUE);
    }

    /**
     * As {@link #lastLines(Path, int)}, ending at byte {@code newestEnd} of {@code agent.log}
     * (a {@link LogFollow#end} taken before), so a follow-up read from there repeats nothing.
     */
    public static List<String> lastLines(Path logDir, int n, long newestEnd) throws IOException {
        if (n < 0) {
            throw new IllegalArgumentException("n must not be negative");
        }
        Deque<String> lines = new ArrayDeque<>();
        for (int g = 0; lines.size() < n && g < AgentLaunch.MAX_LOG_FILES; g++) {
            Path file = RotatingLog.file(logDir, g);
            if (!Files.exists(file)) {
                break;
            }
            List<String> older = lastLinesOf(file, n - lines.size(), g == 0 ? newestEnd : Long.MAX_VALUE);
            for (int i = older.size() - 1; i >= 0; i--) {
                lines.addFirst(older.get(i));
            }
        }
        return new ArrayList<>(lines);
    }

    /** Up to {@code n} last lines of one file, oldest first. A last line without a newline counts. */
    static List<String> lastLinesOf(Path file, int n) throws IOException {
        return lastLinesOf(file, n, Long.MAX_VALUE);
    }

    static List<String> lastLinesOf(Path file, int n, long limit) throws IOException {
        List<String> result = new ArrayList<>();
        if (n == 0) {
            return result;
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long end = Math.min(raf.length(), limit);
            if (end > 0) {
                raf.seek(end - 1);
                if (raf.read() == '\n') {
                    end--;
                }
            }
            // Collect blocks backwards until they hold n newlines (n lines after the n-th from the end).
            Deque<byte[]> blocks = new ArrayDeque<>();
            long pos = end;
            int newlines = 0;
            while (pos > 0 && newlines < n) {
                int len = (int) Math.min(BLOCK, pos);
                pos -= len;
                byte[] block = new byte[len];
                raf.seek(pos);
                raf.readFully(block);
                blocks.addFirst(block);
                for (byte b : block) {
                    if (b == '\n') {
                        newlines++;
                    }
                }
            }
            if (Math.min(raf.length(), limit) == 0) {
                return result;
            }
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (byte[] block : blocks) {
                all.write(block);
            }
            byte[] bytes = all.toByteArray();
            int lineEnd = bytes.length;
            for (int i = bytes.length - 1; i >= -1 && result.size() < n; i--) {
                if (i == -1 && pos > 0) {
                    break; // the start of this line lies before what was read
                }
                if (i == -1 || bytes[i] == '\n') {
                    result.add(new String(bytes, i + 1, lineEnd - i - 1, StandardCharsets.UTF_8));
                    lineEnd = i;
                }
            }
        } catch (FileNotFoundException e) {
            return result; // rotated away meanwhile
        }
        Collections.reverse(result);
        return result;
    }
}
