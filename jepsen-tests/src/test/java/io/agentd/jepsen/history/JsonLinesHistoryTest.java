package io.agentd.jepsen.history;

import io.agentd.jepsen.model.RegisterInput;
import io.agentd.jepsen.model.RegisterOutput;
import io.agentd.jepsen.model.RegisterValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.StringWriter;
import java.util.List;

import static io.agentd.jepsen.Registers.END;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonLinesHistoryTest {
    private static List<Op<RegisterInput, RegisterOutput>> parse(String... lines) throws MalformedHistoryException {
        return JsonLinesHistory.parse("run.jsonl", List.of(lines));
    }

    private static RegisterValue s(String text) {
        return RegisterValue.of(text);
    }

    @Test
    void readsRegisterOpsByKey() throws Exception {
        List<Op<RegisterInput, RegisterOutput>> ops = parse(
                "{\"process\":0,\"type\":\"invoke\",\"f\":\"write\",\"key\":\"a/phase\",\"value\":\"1\",\"time\":10}",
                "{\"process\":1,\"type\":\"invoke\",\"f\":\"read\",\"key\":\"a/phase\",\"value\":null,\"time\":11}",
                "{\"process\":0,\"type\":\"ok\",\"f\":\"write\",\"key\":\"a/phase\",\"value\":\"1\",\"time\":12}",
                "{\"process\":1,\"type\":\"ok\",\"f\":\"read\",\"key\":\"a/phase\",\"value\":null,\"time\":13}",
                "{\"process\":2,\"type\":\"invoke\",\"f\":\"cas\",\"key\":\"b\",\"value\":[null,7]}",
                "{\"process\":2,\"type\":\"ok\",\"f\":\"cas\",\"key\":\"b\",\"value\":[null,7]}",
                "{\"process\":3,\"type\":\"invoke\",\"f\":\"cas\",\"key\":\"b\",\"value\":[\"7\",\"8\"]}",
                "{\"process\":3,\"type\":\"info\",\"f\":\"cas\",\"key\":\"b\",\"value\":[\"7\",\"8\"]}",
                "{\"process\":4,\"type\":\"invoke\",\"f\":\"write\",\"key\":\"b\",\"value\":\"9\"}",
                "{\"process\":4,\"type\":\"fail\",\"f\":\"write\",\"key\":\"b\",\"value\":\"9\"}");
        assertThat(ops).containsExactly(
                new Op<>(0, new RegisterInput.Write("a/phase", s("1")), RegisterOutput.Done.OK, 1, 3),
                new Op<>(1, new RegisterInput.Read("a/phase"), RegisterOutput.read(RegisterValue.ABSENT), 2, 4),
                new Op<>(2, new RegisterInput.Cas("b", RegisterValue.ABSENT, s("7")), RegisterOutput.Done.OK, 5, 6),
                new Op<>(3, new RegisterInput.Cas("b", s("7"), s("8")), RegisterOutput.Unknown.UNKNOWN, 7, END));
    }

    @Test
    void theWriterWritesWhatTheParserReads() throws Exception {
        StringWriter out = new StringWriter();
        try (JsonLinesHistoryWriter writer = new JsonLinesHistoryWriter(out)) {
            RegisterInput write = new RegisterInput.Write("k", s("v \"1\""));
            RegisterInput cas = new RegisterInput.Cas("k", s("v \"1\""), RegisterValue.ABSENT);
            RegisterInput read = new RegisterInput.Read("k");
            writer.invoke(0, write, 100);
            writer.ok(0, write, RegisterOutput.Done.OK, 200);
            writer.invoke(1, cas, 300);
            writer.invoke(2, read, 310);
            writer.ok(2, read, RegisterOutput.read(s("v \"1\"")), 320);
            writer.info(1, cas, 400);
            writer.invoke(3, write, 500);
            writer.fail(3, write, 600);
        }
        List<String> lines = out.toString().lines().toList();
        assertThat(lines).hasSize(8).allMatch(line -> line.startsWith("{\"process\":"));
        assertThat(HistoryFormat.detect("w", lines)).isEqualTo(HistoryFormat.JSON_LINES);
        List<Op<RegisterInput, RegisterOutput>> ops = JsonLinesHistory.parse("w", lines);
        assertThat(ops).containsExactly(
                new Op<>(0, new RegisterInput.Write("k", s("v \"1\"")), RegisterOutput.Done.OK, 1, 2),
                new Op<>(1, new RegisterInput.Cas("k", s("v \"1\""), RegisterValue.ABSENT), RegisterOutput.Unknown.UNKNOWN, 3, END),
                new Op<>(2, new RegisterInput.Read("k"), RegisterOutput.read(s("v \"1\"")), 4, 5));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"process\":0,\"type\":\"invoke\",\"f\":\"read\"",
            "{\"process\":\"zero\",\"type\":\"invoke\",\"f\":\"read\",\"key\":\"k\"}",
            "{\"process\":0,\"type\":\"invoke\",\"f\":\"read\"}",
            "{\"process\":0,\"type\":\"begin\",\"f\":\"read\",\"key\":\"k\"}",
            "{\"process\":0,\"type\":\"invoke\",\"f\":\"append\",\"key\":\"k\"}",
            "{\"process\":0,\"type\":\"invoke\",\"f\":\"write\",\"key\":\"k\"}",
            "{\"process\":0,\"type\":\"invoke\",\"f\":\"write\",\"key\":\"k\",\"value\":{\"a\":1}}",
            "{\"process\":0,\"type\":\"invoke\",\"f\":\"cas\",\"key\":\"k\",\"value\":[1]}",
            "{\"process\":0,\"type\":\"ok\",\"f\":\"read\",\"key\":\"k\",\"value\":1}",
            "{\"process\":0,\"type\":\"invoke\",\"f\":\"read\",\"key\":\"k\",\"time\":\"soon\"}",
            "[1, 2]",
    })
    void malformedLinesNameFileAndLine(String line) {
        assertThatThrownBy(() -> parse("{\"process\":9,\"type\":\"invoke\",\"f\":\"read\",\"key\":\"k\"}", line))
                .isInstanceOfSatisfying(MalformedHistoryException.class, e -> {
                    assertThat(e.line()).isEqualTo(2);
                    assertThat(e.getMessage()).startsWith("run.jsonl:2: ");
                });
    }
}
