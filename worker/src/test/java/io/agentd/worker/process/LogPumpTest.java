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
        Path logDir = dir.resolve("run" + runs++);
        CompletableFuture<Long> pid = new CompletableFuture<>();
        new LogPump("t", new ByteArrayInputStream(output.getBytes(StandardCharsets.UTF_8)),
                new RotatingLog(logDir, 1 << 20, 2), pid).run();
        assertThat(Files.readString(RotatingLog.file(logDir, 0))).isEqualTo(output);
        return pid.getNow(-2L);
    }

    @Test
    void takesThePidFromTheWatchdogsLineAndLogsEverything() throws Exception {
        assertThat(pump("agentd-watchdog: agent pid 4242\nhello\n")).isEqualTo(4242);
    }

    @Test
    void acceptsOtherWatchdogLinesBeforeThePidLine() throws Exception {
        assertThat(pump("agentd-watchdog: lease expired; ...\nagentd-watchdog: agent pid 7\n")).isEqualTo(7);
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
