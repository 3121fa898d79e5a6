package io.agentd.daemon.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real server's log lines in each format, and its levels from flags. */
class LogFormatTest {
    @TempDir
    Path dir;

    /** Starts a one-node server with {@code args} and the environment given, until "leading in term" is logged. */
    private List<String> logOf(String name, List<String> args, String journalStream) throws Exception {
        int http = Ports.free();
        List<String> cmd = new java.util.ArrayList<>(List.of("server", "--node-id", "n1", "--data-dir",
                dir.resolve(name).toString(), "--http-addr", "127.0.0.1:" + http, "--raft-addr",
                "127.0.0.1:" + Ports.free(), "--insecure", "true"));
        cmd.addAll(args);
        Path err = dir.resolve(name + ".err");
        ProcessBuilder pb = new ProcessBuilder(ChildJvm.agentd("256m", cmd.toArray(String[]::new)))
                .redirectOutput(dir.resolve(name + ".out").toFile()).redirectError(err.toFile());
        pb.environment().remove("JOURNAL_STREAM");
        if (journalStream != null) {
            pb.environment().put("JOURNAL_STREAM", journalStream);
        }
        Process p = pb.start();
        try {
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> !p.isAlive() || Files.readString(err).contains("leading in term"));
            assertThat(p.isAlive()).as(ChildJvm.tail(err)).isTrue();
            p.destroy();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            return Files.readAllLines(err);
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void underTheJournalLinesCarryPrioritiesAndNoTimestamp() throws Exception {
        List<String> lines = logOf("journal", List.of(), "8:4242");
        assertThat(lines).isNotEmpty().allMatch(l -> l.matches("<[3467]>.*"), "a priority prefix");
        assertThat(lines).anyMatch(l -> l.startsWith("<6>[") && l.contains(" - leading in term"));
        assertThat(lines).noneMatch(l -> l.matches("<\\d>\\d{4}-\\d\\d-\\d\\d.*"));
    }

    @Test
    void jsonLinesParseAndLevelsComeFromFlags() throws Exception {
        List<String> lines = logOf("json", List.of("--log-format", "json", "--log-level", "warn",
                "--log-levels", "io.agentd.daemon.coordinator=info"), null);
        ObjectMapper m = new ObjectMapper();
        assertThat(lines).isNotEmpty();
        for (String l : lines) {
            var o = m.readTree(l);
            assertThat(o.has("time") && o.has("level") && o.has("logger") && o.has("message")).as(l).isTrue();
            if (o.get("level").asText().equals("INFO")) {
                assertThat(o.get("logger").asText()).as(l).startsWith("io.agentd.daemon.coordinator");
            }
        }
        assertThat(lines).anyMatch(l -> l.contains("leading in term"));
    }

    @Test
    void aBadLevelIsAConfigErrorNamingTheKey() throws Exception {
        Process p = new ProcessBuilder(ChildJvm.agentd("128m", "server", "--data-dir", dir.resolve("bad").toString(),
                "--log-level", "loud")).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(out).contains("log-level: 'loud' is not a level");
    }
}
