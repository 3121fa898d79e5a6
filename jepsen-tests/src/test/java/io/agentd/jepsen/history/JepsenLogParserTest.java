package io.agentd.jepsen.history;

import io.agentd.jepsen.model.RegisterInput;
import io.agentd.jepsen.model.RegisterOutput;
import io.agentd.jepsen.model.RegisterValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static io.agentd.jepsen.Registers.END;
import static io.agentd.jepsen.Registers.v;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JepsenLogParserTest {
    private static final String KEY = JepsenLogParser.KEY;

    private static List<Op<RegisterInput, RegisterOutput>> parse(String... lines) throws MalformedHistoryException {
        return JepsenLogParser.parse("test.log", List.of(lines));
    }

    @Test
    void pairsEventsAndReadsEveryShape() throws Exception {
        List<Op<RegisterInput, RegisterOutput>> ops = parse(
                "INFO  jepsen.util - 0\t:invoke\t:read\tnil",
                "INFO  jepsen.util - 1\t:invoke\t:write\t4",
                "INFO  jepsen.util - 2   :invoke :cas    [4 1]",
                "INFO  jepsen.util - 0\t:ok\t:read\tnil",
                "INFO  jepsen.util - 1\t:ok\t:write\t4",
                "INFO  jepsen.util - 2  :fail   :cas    [4 1]",
                "",
                "INFO  jepsen.util - 3\t:invoke\t:cas\t[0 2]",
                "INFO  jepsen.util - 3\t:ok\t:cas\t[0 2]",
                "INFO  jepsen.util - 0\t:invoke\t:read\tnil",
                "INFO  jepsen.util - 0\t:ok\t:read\t3");
        assertThat(ops).containsExactly(
                new Op<>(0, new RegisterInput.Read(KEY), RegisterOutput.read(RegisterValue.ABSENT), 1, 4),
                new Op<>(1, new RegisterInput.Write(KEY, v(4)), RegisterOutput.Done.OK, 2, 5),
                new Op<>(2, new RegisterInput.Cas(KEY, v(4), v(1)), RegisterOutput.CasMismatch.MISMATCH, 3, 6),
                new Op<>(3, new RegisterInput.Cas(KEY, v(0), v(2)), RegisterOutput.Done.OK, 8, 9),
                new Op<>(0, new RegisterInput.Read(KEY), RegisterOutput.read(v(3)), 10, 11));
    }

    @Test
    void timedOutOpsStayOpenUntilTheEnd() throws Exception {
        List<Op<RegisterInput, RegisterOutput>> ops = parse(
                "INFO  jepsen.util - 1\t:invoke\t:write\t4",
                "INFO  jepsen.util - 2\t:invoke\t:cas\t[4 1]",
                "INFO  jepsen.util - 1\t:info\t:write\t:timed-out",
                "INFO  jepsen.util - 2\t:info\t:cas\t:timed-out",
                "INFO  jepsen.util - 5\t:invoke\t:read\tnil",
                "INFO  jepsen.util - 5\t:fail\t:read\t:timed-out",
                "INFO  jepsen.util - 6\t:invoke\t:read\tnil");
        assertThat(ops).containsExactly(
                new Op<>(1, new RegisterInput.Write(KEY, v(4)), RegisterOutput.Unknown.UNKNOWN, 1, END),
                new Op<>(2, new RegisterInput.Cas(KEY, v(4), v(1)), RegisterOutput.Unknown.UNKNOWN, 2, END),
                new Op<>(5, new RegisterInput.Read(KEY), RegisterOutput.Unknown.UNKNOWN, 5, 6),
                new Op<>(6, new RegisterInput.Read(KEY), RegisterOutput.Unknown.UNKNOWN, 7, END));
    }

    @Test
    void aFailedWriteDidNotHappen() throws Exception {
        assertThat(parse("INFO  jepsen.util - 1\t:invoke\t:write\t4", "INFO  jepsen.util - 1\t:fail\t:write\t4")).isEmpty();
    }

    @Test
    void acceptsATimestampPrefix() throws Exception {
        assertThat(parse("2015-04-21 10:00:00,000{GMT}\tINFO\tjepsen.util - 0\t:invoke\t:read\tnil")).hasSize(1);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "INFO  jepsen.core - something else| not a Jepsen event",
            "INFO  jepsen.util - x :invoke :read nil| not a Jepsen event",
            "INFO  jepsen.util - 0 :invoke :read 3| :invoke :read takes nil",
            "INFO  jepsen.util - 0 :invoke :write nil| expected an integer",
            "INFO  jepsen.util - 0 :invoke :cas [1]| :cas takes [expected new]",
            "INFO  jepsen.util - 0 :ok :read 1| no open invocation",
            "INFO  jepsen.util - 0 :invoke :write :timed-out| :timed-out only goes with",
    })
    void malformedLinesNameFileAndLine(String line, String problem) {
        assertThatThrownBy(() -> parse("INFO  jepsen.util - 9 :invoke :read nil", line))
                .isInstanceOfSatisfying(MalformedHistoryException.class, e -> {
                    assertThat(e.line()).isEqualTo(2);
                    assertThat(e.getMessage()).startsWith("test.log:2: ").contains(problem);
                });
    }

    @Test
    void answersMustMatchTheirInvocation() {
        assertThatThrownBy(() -> parse("INFO  jepsen.util - 0 :invoke :write 1", "INFO  jepsen.util - 0 :ok :write 2"))
                .hasMessageContaining("test.log:2:").hasMessageContaining("differs");
        assertThatThrownBy(() -> parse("INFO  jepsen.util - 0 :invoke :write 1", "INFO  jepsen.util - 0 :ok :read 1"))
                .hasMessageContaining("test.log:2:").hasMessageContaining("answers an open :write");
    }
}
