package io.agentd.jepsen;

import io.agentd.jepsen.RecordedHistories.Expected;
import io.agentd.jepsen.checker.CheckOptions;
import io.agentd.jepsen.checker.CheckResult;
import io.agentd.jepsen.checker.FailingPrefixMinimizer;
import io.agentd.jepsen.checker.FailingPrefixMinimizer.FailingPrefix;
import io.agentd.jepsen.checker.LinearizabilityChecker;
import io.agentd.jepsen.checker.PartitionResult;
import io.agentd.jepsen.checker.Verdict;
import io.agentd.jepsen.history.Event;
import io.agentd.jepsen.history.HistoryFormat;
import io.agentd.jepsen.history.Op;
import io.agentd.jepsen.history.ParsedHistory;
import io.agentd.jepsen.model.Model;
import io.agentd.jepsen.model.Partition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every recorded history gets the verdict EXPECTED gives it, quickly. */
class RecordedHistoriesTest {
    static Stream<Expected> histories() {
        return RecordedHistories.all().stream();
    }

    @Test
    void everyFileIsListedAndEveryListedFileExists() throws Exception {
        List<Expected> expected = RecordedHistories.all();
        assertThat(expected).hasSize(56).allMatch(e -> Files.isRegularFile(e.file()));
        try (Stream<java.nio.file.Path> files = Files.walk(RecordedHistories.directory())) {
            long historyFiles = files.filter(p -> p.toString().endsWith(".log") || p.toString().endsWith(".txt")).count();
            assertThat(historyFiles).isEqualTo(expected.size());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("histories")
    @Timeout(30)
    void getsItsExpectedVerdict(Expected expected) throws Exception {
        ParsedHistory<?, ?, ?> history = HistoryFormat.load(expected.file());
        assertThat(history.format()).isEqualTo(expected.name().startsWith("jepsen/")
                ? HistoryFormat.JEPSEN_LOG : HistoryFormat.EDN_KV);
        checkAndMinimize(history, expected.verdict());
    }

    private static <S, I, O> void checkAndMinimize(ParsedHistory<S, I, O> history, Verdict expected) {
        Model<S, I, O> model = history.model();
        CheckResult<I, O> result = LinearizabilityChecker.check(model, history.ops(), CheckOptions.withTimeout(Duration.ofSeconds(20)));
        assertThat(result.verdict()).isEqualTo(expected);
        if (expected == Verdict.LINEARIZABLE) {
            assertThat(result.partitions()).allSatisfy(p -> assertThat(p.linearization()).hasSameSizeAs(p.ops()));
            return;
        }
        PartitionResult<I, O> failure = result.firstFailure().orElseThrow();
        assertThat(failure.stuckAt()).isPresent();
        assertThat(failure.linearization()).hasSizeLessThan(failure.ops().size());

        // The shortest failing prefix fails, and the prefix one return shorter does not.
        FailingPrefix<I, O> prefix = FailingPrefixMinimizer.shortestFailingPrefix(
                model, new Partition<>(failure.name(), failure.ops()), CheckOptions.withTimeout(Duration.ofSeconds(20)));
        assertThat(prefix.minimal()).isTrue();
        assertThat(LinearizabilityChecker.check(model, prefix.ops()).verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
        List<Event<I, O>> events = Event.inTimeOrder(failure.ops());
        List<Op<I, O>> shorter = FailingPrefixMinimizer.prefix(model, events, prefix.returns() - 1);
        assertThat(LinearizabilityChecker.check(model, shorter).verdict()).isEqualTo(Verdict.LINEARIZABLE);
    }
}
