package io.agentd.daemon.logging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentd.config.LogSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class LogOutputTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private String lines() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private void configure(String level, Map<String, String> levels, String format, Map<String, String> env) {
        LogOutput.configure(LogSettings.of(level, levels, format), env,
                new PrintStream(out, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        LogOutput.configure(LogSettings.of("info", Map.of(), "auto"), System.getenv(), System.err);
    }

    @Test
    void everyLoggerOfTheProcessIsAgentds() {
        assertThat(LoggerFactory.getILoggerFactory().getClass().getName()).startsWith(AgentdLoggingProvider.class.getName());
    }

    @Test
    void textIsOneLineWithTimeThreadLevelLoggerAndMessage() {
        configure("info", Map.of(), "text", Map.of());
        LoggerFactory.getLogger("io.agentd.test.A").info("hello {}", "world");
        assertThat(lines()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}[+-]\\d{4} \\[[^]]+] INFO "
                + "io\\.agentd\\.test\\.A - hello world\\n");
    }

    @Test
    void underTheJournalEachLineHasItsPriorityAndNoTimestamp() {
        configure("info", Map.of(), "auto", Map.of("JOURNAL_STREAM", "8:1234"));
        Logger log = LoggerFactory.getLogger("io.agentd.test.B");
        log.info("started");
        log.warn("slow");
        log.error("failed", new IllegalStateException("boom"));
        String[] lines = lines().split("\n");
        assertThat(lines[0]).matches("<6>\\[[^]]+] io\\.agentd\\.test\\.B - started");
        assertThat(lines[1]).startsWith("<4>[").endsWith(" - slow");
        assertThat(lines[2]).startsWith("<3>[").endsWith(" - failed");
        assertThat(lines[3]).isEqualTo("<3>java.lang.IllegalStateException: boom");
        assertThat(java.util.Arrays.asList(lines).subList(3, lines.length)).hasSizeGreaterThan(1).allMatch(l -> l.startsWith("<3>"));
    }

    @Test
    void withoutTheJournalAutoIsText() {
        configure("info", Map.of(), "auto", Map.of());
        LoggerFactory.getLogger("io.agentd.test.C").info("x");
        assertThat(lines()).doesNotStartWith("<").contains(" INFO io.agentd.test.C - x");
    }

    @Test
    void jsonIsOneObjectALineWithTheErrorsStackTrace() throws Exception {
        configure("info", Map.of(), "json", Map.of("JOURNAL_STREAM", "8:1234"));
        Logger log = LoggerFactory.getLogger("io.agentd.test.D");
        log.info("a \"quoted\"\nline");
        log.error("failed", new RuntimeException("boom"));
        String[] lines = lines().split("\n");
        assertThat(lines).hasSize(2);
        ObjectMapper m = new ObjectMapper();
        JsonNode first = m.readTree(lines[0]);
        assertThat(first.get("level").asText()).isEqualTo("INFO");
        assertThat(first.get("logger").asText()).isEqualTo("io.agentd.test.D");
        assertThat(first.get("message").asText()).isEqualTo("a \"quoted\"\nline");
        assertThat(first.get("time").asText()).endsWith("Z");
        assertThat(first.has("thread")).isTrue();
        JsonNode second = m.readTree(lines[1]);
        assertThat(second.get("level").asText()).isEqualTo("ERROR");
        assertThat(second.get("error").asText()).startsWith("java.lang.RuntimeException: boom").contains("\tat ");
    }

    @Test
    void theLongestMatchingNameDecidesAndSettingsBeatTheBuiltInQuietLibraries() {
        configure("warn", Map.of("io.agentd.test", "debug", "io.agentd.test.quiet", "error"), "text", Map.of());
        LoggerFactory.getLogger("io.agentd.test.E").debug("shown");
        LoggerFactory.getLogger("io.agentd.test.quiet.F").warn("hidden");
        LoggerFactory.getLogger("io.agentd.other.G").info("hidden");
        LoggerFactory.getLogger("io.agentd.other.G").warn("shown too");
        LoggerFactory.getLogger("org.apache.ratis.server.X").warn("ratis warns");
        assertThat(lines()).contains("shown", "shown too", "ratis warns").doesNotContain("hidden");

        out.reset();
        configure("info", Map.of(), "text", Map.of());
        LoggerFactory.getLogger("org.apache.ratis.server.Y").info("quiet by default");
        assertThat(lines()).isEmpty();
        configure("info", Map.of("org.apache.ratis", "info"), "text", Map.of());
        LoggerFactory.getLogger("org.apache.ratis.server.Y").info("asked for");
        assertThat(lines()).contains("asked for");
    }

    @Test
    void aLoggerMadeBeforeTheSettingsFollowsThem() {
        Logger early = LoggerFactory.getLogger("io.agentd.test.H");
        configure("info", Map.of(), "text", Map.of());
        early.debug("not yet");
        configure("debug", Map.of(), "text", Map.of());
        early.debug("now");
        assertThat(lines()).doesNotContain("not yet").contains("now");
    }
}
