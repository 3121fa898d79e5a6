package io.agentd.worker.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogPumpTest {
    @TempDir
    Path dir;

    private int runs;

    private long pump(String output) throws Exception {
        return pump(output, output);
    }

    /** Pumps {@code output}; checks the agent's log holds {@code agentLog}; returns the pid found, or -1. */
    private long pump(String output, String agentLog) throws Exception {
        Path logDir = dir.resolve("run" + runs++);
        CompletableFuture<Long> pid = new CompletableFuture<>();
        new LogPump("t", new ByteArrayInputStream(output.getBytes(StandardCharsets.UTF_8)),
                new RotatingLog(logDir, 1 << 20, 2), pid).run();
        assertThat(Files.readString(RotatingLog.file(logDir, 0))).isEqualTo(agentLog);
        return pid.getNow(-2L);
    }

    @Test
    void takesThePidFromTheWatchdogsLineAndLogsTheAgentsOutputOnly() throws Exception {
        assertThat(pump("agentd-watchdog: agent pid 4242\nhello\n", "hello\n")).isEqualTo(4242);
        assertThat(pump("agentd-watchdog: agent pid 4242\nagentd-watchdog: later\n", "agentd-watchdog: later\n"))
                .as("only the leading lines are the watchdog's for sure").isEqualTo(4242);
    }

    @Test
    void acceptsOtherWatchdogLinesBeforeThePidLine() throws Exception {
        assertThat(pump("agentd-watchdog: lease expired; ...\nagentd-watchdog: agent pid 7\nout", "out"))
                .isEqualTo(7);
    }

    @Test
    void aLineThatOnlyStartsLikeTheWatchdogsIsTheAgents() throws Exception {
        assertThat(pump("agentd-watch", "agentd-watch")).as("the stream ends within it").isEqualTo(-1);
        assertThat(pump("agentd-watchdog: agent pi", "agentd-watchdog: agent pi")).isEqualTo(-1);
        assertThat(pump("agentd-watchdog: early\nagentd-x\n", "agentd-x\n")).isEqualTo(-1);
        String longLine = "agentd-watchdog: " + "x".repeat(300) + "\nmore\n";
        assertThat(pump(longLine, longLine)).as("longer than a watchdog line").isEqualTo(-1);
    }

    @Test
    void outputSplitAcrossReadsIsKeptWhole() throws Exception {
        // Bytes handed over one at a time: a line held while it could still be the watchdog's is
        // written once it is known not to be, in order, with what follows.
        String output = "agentd-watchdog: agent pid 9\nhé llo\nagentd-w\n";
        Path logDir = dir.resolve("split");
        CompletableFuture<Long> pid = new CompletableFuture<>();
        java.io.InputStream oneByteAtATime = new java.io.FilterInputStream(
                new ByteArrayInputStream(output.getBytes(StandardCharsets.UTF_8))) {
            @Override
            public int read(byte[] b, int off, int len) throws java.io.IOException {
                return super.read(b, off, Math.min(1, len));
            }
        };
        new LogPump("t", oneByteAtATime, new RotatingLog(logDir, 1 << 20, 2), pid).run();
        assertThat(Files.readString(RotatingLog.file(logDir, 0))).isEqualTo("hé llo\nagentd-w\n");
        assertThat(pid.getNow(-2L)).isEqualTo(9);
        String noPid = "agentd-watchdog: starting\nagentd-wat";
        Path other = dir.resolve("split2");
        CompletableFuture<Long> none = new CompletableFuture<>();
        new LogPump("t", new java.io.FilterInputStream(new ByteArrayInputStream(noPid.getBytes(StandardCharsets.UTF_8))) {
            @Override
            public int read(byte[] b, int off, int len) throws java.io.IOException {
                return super.read(b, off, Math.min(1, len));
            }
        }, new RotatingLog(other, 1 << 20, 2), none).run();
        assertThat(Files.readString(RotatingLog.file(other, 0))).isEqualTo("agentd-wat");
        assertThat(none.getNow(-2L)).isEqualTo(-1);
    }

    @Test
    void anAgentCannotPassOffAPidLineAfterItsOwnOutput() throws Exception {
        assertThat(pump("hello\nagentd-watchdog: agent pid 1\n")).isEqualTo(-1);
        assertThat(pump("\nagentd-watchdog: agent pid 1\n")).isEqualTo(-1);
        assertThat(pump("agentd-watchdo\nagentd-watchdog: agent pid 1\n")).isEqualTo(-1);
    }

    @Test
    void noPidLineCompletesWithMinusOne() throws Exception {
        assertThat(pump("")).isEqualTo(-1);
    }
}
