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

    @Test
    void aLineWhoseEndComesInTheNextReadIsNotSplitAcrossFiles() throws Exception {
        try (RotatingLog log = new RotatingLog(dir, 20, 3)) {
            write(log, "aaaaaaaaaaaaaa\nbbb"); // 18 bytes: the pipe's read ended within a line
            assertThat(read(0)).isEqualTo("aaaaaaaaaaaaaa\n"); // whole lines are written at once
            write(log, "bbbbbb\n"); // the rest of the line does not fit in the 5 bytes left
        }
        assertThat(read(1)).isEqualTo("aaaaaaaaaaaaaa\n");
        assertThat(read(0)).isEqualTo("bbbbbbbbb\n");
    }

    @Test
    void anUnfinishedLineIsWrittenWhenTheLogCloses() throws Exception {
        try (RotatingLog log = new RotatingLog(dir, 100, 2)) {
            write(log, "done\nno newline at the end");
        }
        assertThat(read(0)).isEqualTo("done\nno newline at the end");
    }

    @Test
    void anUnfinishedLineAsLongAsAFileIsWrittenWithoutWaitingForItsEnd() throws Exception {
        try (RotatingLog log = new RotatingLog(dir, 8, 3)) {
            write(log, "abc\n");
            write(log, "0123456789"); // longer than a file and still unfinished
            assertThat(read(2)).isEqualTo("abc\n");
            assertThat(read(1)).isEqualTo("01234567");
            assertThat(read(0)).isEqualTo("89");
            write(log, "\n");
        }
        assertThat(read(0)).isEqualTo("89\n");
    }

    @Test
    void linesReadInPiecesThatEndAnywhereLandWholeAndInOrderInFilesWithinTheLimit() throws Exception {
        for (long seed = 1; seed <= 20; seed++) {
            java.util.Random random = new java.util.Random(seed);
            Path logs = Files.createDirectories(dir.resolve("seed-" + seed));
            java.util.List<String> lines = new java.util.ArrayList<>();
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < 400; i++) {
                String line = "line " + i + " " + "x".repeat(random.nextInt(60));
                lines.add(line);
                text.append(line).append('\n');
            }
            byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
            int maxFiles = 1000; // keeps every file, so all of the text can be checked
            try (RotatingLog log = new RotatingLog(logs, 200, maxFiles)) {
                for (int at = 0; at < bytes.length; ) {
                    int n = Math.min(bytes.length - at, 1 + random.nextInt(150));
                    log.write(bytes, at, n);
                    at += n;
                }
            }
            java.util.List<String> read = new java.util.ArrayList<>();
            for (int g = maxFiles - 1; g >= 0; g--) {
                Path file = RotatingLog.file(logs, g);
                if (Files.exists(file)) {
                    String content = Files.readString(file);
                    assertThat(content.length()).as("seed %d file %d", seed, g).isLessThanOrEqualTo(200);
                    assertThat(content).as("seed %d file %d ends with a whole line", seed, g).endsWith("\n");
                    read.addAll(java.util.List.of(content.split("\n")));
                }
            }
            assertThat(read).as("seed %d", seed).isEqualTo(lines);
        }
    }
}
