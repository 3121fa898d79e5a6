package io.agentd.jepsen.history;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HistoryFormatTest {
    @Test
    void toldApartByTheFirstNonBlankLine() throws Exception {
        assertThat(HistoryFormat.detect("f", List.of("", "INFO  jepsen.util - 0\t:invoke\t:read\tnil")))
                .isEqualTo(HistoryFormat.JEPSEN_LOG);
        assertThat(HistoryFormat.detect("f", List.of("  {:process 0, :type :invoke}"))).isEqualTo(HistoryFormat.EDN_KV);
        assertThat(HistoryFormat.detect("f", List.of("{\"process\":0}"))).isEqualTo(HistoryFormat.JSON_LINES);
    }

    @Test
    void unknownOrEmptyContentIsMalformed() {
        assertThatThrownBy(() -> HistoryFormat.detect("f", List.of("", "hello")))
                .isInstanceOfSatisfying(MalformedHistoryException.class, e -> assertThat(e.line()).isEqualTo(2))
                .hasMessageContaining("f:2: unknown history format");
        assertThatThrownBy(() -> HistoryFormat.detect("f", List.of("", " ")))
                .isInstanceOfSatisfying(MalformedHistoryException.class, e -> assertThat(e.line()).isZero())
                .hasMessage("f: empty history: no events");
    }

    @Test
    void loadsAFileAndRejectsBinary(@TempDir Path dir) throws Exception {
        Path kv = dir.resolve("kv.txt");
        Files.writeString(kv, "{:process 0, :type :invoke, :f :get, :key \"1\", :value nil}\n");
        ParsedHistory<?, ?, ?> history = HistoryFormat.load(kv);
        assertThat(history.format()).isEqualTo(HistoryFormat.EDN_KV);
        assertThat(history.ops()).hasSize(1);

        Path binary = dir.resolve("bin");
        Files.write(binary, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});
        assertThatThrownBy(() -> HistoryFormat.load(binary)).isInstanceOf(MalformedHistoryException.class);
    }
}
