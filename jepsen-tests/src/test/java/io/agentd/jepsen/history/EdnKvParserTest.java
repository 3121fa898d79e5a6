package io.agentd.jepsen.history;

import io.agentd.jepsen.model.KvInput;
import io.agentd.jepsen.model.KvOutput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static io.agentd.jepsen.Registers.END;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EdnKvParserTest {
    private static List<Op<KvInput, KvOutput>> parse(String... lines) throws MalformedHistoryException {
        return EdnKvParser.parse("kv.txt", List.of(lines));
    }

    @Test
    void readsGetPutAppendInAnyKeyOrder() throws Exception {
        List<Op<KvInput, KvOutput>> ops = parse(
                "{:process 3, :type :invoke, :f :append, :key \"4\", :value \"x 3 17 y\"}",
                "{:process 0, :type :invoke, :f :get, :key \"7\", :value nil}",
                "{:type :ok, :process 3, :f :append, :key \"4\", :value \"x 3 17 y\"}",
                "{:process 0, :type :ok, :f :get, :key \"7\", :value \"say \\\"hi\\\"\\n\"}",
                "{:process 1, :type :invoke, :f :put, :key \"7\", :value \"p\"}",
                "{:process 2 :type :invoke :f :get :key \"7\" :value nil}",
                "{:process 2, :type :ok, :f :get, :key \"7\", :value nil}");
        assertThat(ops).containsExactly(
                new Op<>(3, new KvInput.Append("4", "x 3 17 y"), KvOutput.Done.OK, 1, 3),
                new Op<>(0, new KvInput.Get("7"), new KvOutput.Value("say \"hi\"\n"), 2, 4),
                new Op<>(1, new KvInput.Put("7", "p"), KvOutput.Unknown.UNKNOWN, 5, END),
                new Op<>(2, new KvInput.Get("7"), new KvOutput.Value(""), 6, 7));
    }

    @Test
    void failedOpsDidNotHappenAndInfoOnesStayOpen() throws Exception {
        List<Op<KvInput, KvOutput>> ops = parse(
                "{:process 1, :type :invoke, :f :put, :key \"1\", :value \"a\"}",
                "{:process 1, :type :fail, :f :put, :key \"1\", :value \"a\"}",
                "{:process 2, :type :invoke, :f :append, :key \"1\", :value \"b\"}",
                "{:process 2, :type :info, :f :append, :key \"1\", :value \"b\"}");
        assertThat(ops).containsExactly(new Op<>(2, new KvInput.Append("1", "b"), KvOutput.Unknown.UNKNOWN, 3, END));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{:process 0, :type :invoke, :f :get, :key \"7\", :value nil",
            "{:process 0, :type :invoke, :f :get, :key \"7\"}",
            "{:process 0, :type :invoke, :f :cas, :key \"7\", :value nil}",
            "{:process zero, :type :invoke, :f :get, :key \"7\", :value nil}",
            "{:process 0, :type :invoke, :f :put, :key \"7\", :value nil}",
            "{:process 0, :type :ok, :f :get, :key \"7\", :value \"\"}",
            "{:process 0, :type :done, :f :get, :key \"7\", :value nil}",
            "{:process 0, :type :invoke, :f :get, :key \"7\", :value \"unterminated}",
            "{:process 0, :type :invoke, :f :get, :key [1 2], :value nil}",
            "[:process 0]",
    })
    void malformedLinesNameFileAndLine(String line) {
        assertThatThrownBy(() -> parse("{:process 9, :type :invoke, :f :get, :key \"1\", :value nil}", line))
                .isInstanceOfSatisfying(MalformedHistoryException.class, e -> {
                    assertThat(e.line()).isEqualTo(2);
                    assertThat(e.getMessage()).startsWith("kv.txt:2: ");
                });
    }

    @Test
    void answersMustMatchTheirInvocation() {
        assertThatThrownBy(() -> parse(
                "{:process 1, :type :invoke, :f :append, :key \"1\", :value \"a\"}",
                "{:process 1, :type :ok, :f :append, :key \"2\", :value \"a\"}"))
                .hasMessageStartingWith("kv.txt:2: ").hasMessageContaining("answers an open");
    }
}
