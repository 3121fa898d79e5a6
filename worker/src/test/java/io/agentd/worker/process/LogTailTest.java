package io.agentd.worker.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogTailTest {
    @TempDir
    Path dir;

    @Test
    void readsTheLastLinesAcrossRotatedFilesOldestFirst() throws Exception {
        Files.writeString(RotatingLog.file(dir, 2), "l1\nl2\n");
        Files.writeString(RotatingLog.file(dir, 1), "l3\nl4\n");
        Files.writeString(RotatingLog.file(dir, 0), "l5\nl6 (no newline yet)");

        assertThat(LogTail.lastLines(dir, 1)).containsExactly("l6 (no newline yet)");
        assertThat(LogTail.lastLines(dir, 3)).containsExactly("l4", "l5", "l6 (no newline yet)");
        assertThat(LogTail.lastLines(dir, 100)).containsExactly("l1", "l2", "l3", "l4", "l5", "l6 (no newline yet)");
        assertThat(LogTail.lastLines(dir, 0)).isEmpty();
    }

    @Test
    void readsLinesThatSpanManyBlocks() throws Exception {
        List<String> lines = IntStream.range(0, 5000).mapToObj(i -> "line " + i + " " + "x".repeat(i % 50))
                .collect(Collectors.toList());
        Files.write(RotatingLog.file(dir, 0), lines);
        assertThat(LogTail.lastLines(dir, 1234)).isEqualTo(lines.subList(5000 - 1234, 5000));
        String longLine = "y".repeat(30_000);
        Files.writeString(RotatingLog.file(dir, 0), "first\n" + longLine + "\nlast\n");
        assertThat(LogTail.lastLines(dir, 2)).containsExactly(longLine, "last");
    }

    @Test
    void keepsEmptyLinesAndCopesWithNoLog() throws Exception {
        assertThat(LogTail.lastLines(dir, 5)).isEmpty();
        Files.writeString(RotatingLog.file(dir, 0), "");
        assertThat(LogTail.lastLines(dir, 5)).isEmpty();
        Files.writeString(RotatingLog.file(dir, 0), "a\n\n\nb\n");
        assertThat(LogTail.lastLines(dir, 3)).containsExactly("", "", "b");
    }
}
