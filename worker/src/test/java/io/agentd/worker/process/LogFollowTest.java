package io.agentd.worker.process;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LogFollowTest {
    @TempDir
    Path dir;

    private static void write(RotatingLog log, String text) throws Exception {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        log.write(b, 0, b.length);
    }

    @Test
    void followingAcrossRotationsHandsOutEveryLineOnceInOrder() throws Exception {
        try (RotatingLog log = new RotatingLog(dir, 40, 4)) {
            write(log, "l0\nl1\n");
            LogFollow.Cursor c = LogFollow.end(dir);
            assertThat(LogTail.lastLines(dir, 10, c.offset())).containsExactly("l0", "l1");
            List<String> seen = new ArrayList<>();
            for (int i = 2; i < 30; i++) {
                write(log, "l" + i + "\n"); // rotates every few lines
                if (i % 3 == 0) {
                    LogFollow.Chunk chunk = LogFollow.after(dir, c, 1 << 20);
                    assertThat(chunk.skipped()).isFalse();
                    seen.addAll(chunk.lines());
                    c = chunk.next();
                }
            }
            seen.addAll(LogFollow.after(dir, c, 1 << 20).lines());
            List<String> expected = new ArrayList<>();
            for (int i = 2; i < 30; i++) {
                expected.add("l" + i);
            }
            assertThat(seen).isEqualTo(expected);
        }
    }

    @Test
    void anUnfinishedLineWaitsAndASmallBudgetStillMakesProgress() throws Exception {
        try (RotatingLog log = new RotatingLog(dir, 1 << 20, 2)) {
            LogFollow.Cursor c = new LogFollow.Cursor(0, 0); // as an answer gives it while there is no log
            write(log, "abc\npartial");
            LogFollow.Chunk chunk = LogFollow.after(dir, c, 1 << 20);
            assertThat(chunk.lines()).containsExactly("abc");
            write(log, "-done\n0123456789\n");
            chunk = LogFollow.after(dir, chunk.next(), 4);
            assertThat(chunk.lines()).containsExactly("part"); // one line longer than the budget comes in pieces
            chunk = LogFollow.after(dir, chunk.next(), 1 << 20);
            assertThat(chunk.lines()).containsExactly("ial-done", "0123456789");
        }
    }

    @Test
    void aCursorRotatedAwayResumesAtTheOldestKeptFileAndSaysSo() throws Exception {
        try (RotatingLog log = new RotatingLog(dir, 10, 2)) {
            write(log, "aaaa\n");
            LogFollow.Cursor c = LogFollow.end(dir);
            for (int i = 0; i < 10; i++) {
                write(log, "b" + i + "\n");
            }
            LogFollow.Chunk chunk = LogFollow.after(dir, c, 1 << 20);
            assertThat(chunk.skipped()).isTrue();
            assertThat(chunk.lines()).isNotEmpty().last().isEqualTo("b9");
        }
        assertThatThrownBy(() -> LogFollow.Cursor.parse("12")).hasMessageContaining("SEQUENCE:OFFSET");
        assertThat(LogFollow.Cursor.parse("12:34")).isEqualTo(new LogFollow.Cursor(12, 34));
    }
}
