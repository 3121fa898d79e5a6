package io.agentd.worker.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RotatingLogTest {
    @TempDir
    Path dir;

    private static void write(RotatingLog log, String text) throws Exception {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        log.write(bytes, 0, bytes.length);
    }

    private String read(int generation) throws Exception {
        return Files.readString(RotatingLog.file(dir, generation));
    }

    @Test
    void rotatesAfterTheLastNewlineThatFits() throws Exception {
        try (RotatingLog log = new RotatingLog(dir, 10, 3)) {
            write(log, "aaaa\nbbbb\ncc"); // 12 bytes: "aaaa\nbbbb\n" fits exactly
            write(log, "c\n");
        }
        assertThat(read(1)).isEqualTo("aaaa\nbbbb\n");
        assertThat(read(0)).isEqualTo("ccc\n");
    }

    @Test
    void startsANewFileRatherThanSplitALineThatFitsInOne() throws Exception {
        try (RotatingLog log = new RotatingLog(dir, 10, 3)) {
            write(log, "aaaaaa\n");
            write(log, "bbbbbb\n");
        }
        assertThat(read(1)).isEqualTo("aaaaaa\n");
        assertThat(read(0)).isEqualTo("bbbbbb\n");
    }

    @Test
    void splitsALineLongerThanAWholeFile() throws Exception {
        try (RotatingLog log = new RotatingLog(dir, 4, 5)) {
            write(log, "0123456789\n");
        }
        assertThat(read(2)).isEqualTo("0123");
        assertThat(read(1)).isEqualTo("4567");
        assertThat(read(0)).isEqualTo("89\n");
    }

    @Test
    void keepsAtMostMaxFilesAndDropsTheOldest() throws Exception {
        try (RotatingLog log = new RotatingLog(dir, 4, 3)) {
            for (String s : new String[] {"one\n", "two\n", "thr\n", "fou\n", "fiv\n"}) {
                write(log, s);
            }
        }
        try (var files = Files.list(dir).filter(f -> !f.getFileName().toString().equals(RotatingLog.SEQ_FILE))) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("agent.log", "agent.log.1", "agent.log.2");
        }
        assertThat(read(2)).isEqualTo("thr\n");
        assertThat(read(1)).isEqualTo("fou\n");
        assertThat(read(0)).isEqualTo("fiv\n");
    }

    @Test
    void oneFileMeansTruncateOnRotation() throws Exception {
        try (RotatingLog log = new RotatingLog(dir, 8, 1)) {
            write(log, "1234567\n");
            write(log, "abc\n");
        }
        try (var files = Files.list(dir).filter(f -> !f.getFileName().toString().equals(RotatingLog.SEQ_FILE))) {
            assertThat(files).hasSize(1);
        }
        assertThat(read(0)).isEqualTo("abc\n");
    }

    @Test
    void appendsToAnExistingLogAndCountsItsSize() throws Exception {
        Files.writeString(RotatingLog.file(dir, 0), "old1\n");
        try (RotatingLog log = new RotatingLog(dir, 8, 2)) {
            write(log, "new1\n");
        }
        assertThat(read(1)).isEqualTo("old1\n");
        assertThat(read(0)).isEqualTo("new1\n");
    }
}
