package io.agentd.jepsen;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The check-history command's exit codes and messages. */
class CheckHistoryTest {
    private record Run(int exitCode, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = CheckHistory.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void linearizableFileExitsZero() {
        Run run = run(RecordedHistories.file("jepsen/etcd_002.log").toString());
        assertThat(run.exitCode()).isEqualTo(CheckHistory.LINEARIZABLE).isZero();
        assertThat(run.out()).contains("etcd_002.log: LINEARIZABLE (jepsen-log, ");
    }

    @Test
    void nonLinearizableFileExitsOneAndShowsTheFailingPrefix() {
        Run run = run(RecordedHistories.file("kv/c10-bad.txt").toString());
        assertThat(run.exitCode()).isEqualTo(CheckHistory.NOT_LINEARIZABLE).isEqualTo(1);
        assertThat(run.out()).contains("c10-bad.txt: NOT LINEARIZABLE (edn-kv, ", "10 keys")
                .contains("keys not linearizable:", "the shortest failing prefix:", "cannot get past the return of");
    }

    @Test
    void quietPrintsOnlyTheVerdictLine() {
        Run run = run("--quiet", RecordedHistories.file("jepsen/etcd_000.log").toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out().lines()).hasSize(1);
    }

    @Test
    void malformedFileExitsTwoNamingFileAndLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("broken.log");
        Files.writeString(file, "INFO  jepsen.util - 0\t:invoke\t:read\tnil\nINFO  jepsen.util - 0\t:ok\t:read\tfive\n");
        Run run = run(file.toString());
        assertThat(run.exitCode()).isEqualTo(CheckHistory.MALFORMED).isEqualTo(2);
        assertThat(run.err()).contains(file + ":2: expected an integer, not five");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void garbageMissingFilesAndBadUsageExitTwo(@TempDir Path dir) throws Exception {
        Path garbage = dir.resolve("garbage");
        Files.writeString(garbage, "hello\n");
        assertThat(run(garbage.toString()).exitCode()).isEqualTo(2);
        assertThat(run(dir.resolve("missing").toString()).err()).contains("no such file");
        assertThat(run().exitCode()).isEqualTo(2);
        assertThat(run("a", "b").exitCode()).isEqualTo(2);
        assertThat(run("--timeout", "x", "a").exitCode()).isEqualTo(2);
        assertThat(run("--bogus", "a").err()).contains("unexpected argument --bogus", "usage:");
        assertThat(run("--help").out()).contains("Exit status");
    }

    @Test
    void runningOutOfTimeExitsThree(@TempDir Path dir) throws Exception {
        // 18 concurrent writes, then a read of a value none of them wrote: 2^18 subsets to rule out.
        List<String> lines = new ArrayList<>();
        for (int p = 0; p < 18; p++) {
            lines.add("{\"process\":" + p + ",\"type\":\"invoke\",\"f\":\"write\",\"key\":\"k\",\"value\":" + p + "}");
        }
        for (int p = 0; p < 18; p++) {
            lines.add("{\"process\":" + p + ",\"type\":\"ok\",\"f\":\"write\",\"key\":\"k\",\"value\":" + p + "}");
        }
        lines.add("{\"process\":99,\"type\":\"invoke\",\"f\":\"read\",\"key\":\"k\"}");
        lines.add("{\"process\":99,\"type\":\"ok\",\"f\":\"read\",\"key\":\"k\",\"value\":\"never\"}");
        Path file = dir.resolve("hard.jsonl");
        Files.write(file, lines);
        Run run = run("--timeout", "0.05", file.toString());
        assertThat(run.exitCode()).isEqualTo(CheckHistory.UNKNOWN).isEqualTo(3);
        assertThat(run.out()).contains("UNKNOWN", "undecided: [k] (the time budget ran out)");
    }
}
