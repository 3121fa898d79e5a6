package io.agentd.jepsen.checker;

import io.agentd.jepsen.history.Op;
import io.agentd.jepsen.model.CasRegisterModel;
import io.agentd.jepsen.model.RegisterInput;
import io.agentd.jepsen.model.RegisterOutput;
import io.agentd.jepsen.model.RegisterValue;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.agentd.jepsen.Registers.END;
import static io.agentd.jepsen.Registers.cas;
import static io.agentd.jepsen.Registers.mismatch;
import static io.agentd.jepsen.Registers.ok;
import static io.agentd.jepsen.Registers.read;
import static io.agentd.jepsen.Registers.readUnknown;
import static io.agentd.jepsen.Registers.unknown;
import static io.agentd.jepsen.Registers.v;
import static io.agentd.jepsen.Registers.write;
import static io.agentd.jepsen.Registers.writeUnknown;
import static org.assertj.core.api.Assertions.assertThat;

/** Hand-written register histories, one edge case each. */
class LinearizabilityCheckerTest {
    private static final RegisterValue NIL = RegisterValue.ABSENT;

    @SafeVarargs
    @SuppressWarnings("varargs") // the array only goes into an immutable list
    private static Verdict verdict(Op<RegisterInput, RegisterOutput>... ops) {
        return LinearizabilityChecker.check(CasRegisterModel.INSTANCE, List.of(ops)).verdict();
    }

    @Test
    void emptyHistoryIsLinearizable() {
        assertThat(verdict()).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void readOfNilBeforeAnyWrite() {
        assertThat(verdict(read(0, 1, 2, NIL))).isEqualTo(Verdict.LINEARIZABLE);
        assertThat(verdict(read(0, 1, 2, v(0)))).isEqualTo(Verdict.NOT_LINEARIZABLE);
        // nil is not 0, and not after a completed write either.
        assertThat(verdict(write(0, 1, 2, 0), read(1, 3, 4, NIL))).isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void sequentialReadsSeeTheLastCompletedWrite() {
        assertThat(verdict(write(0, 1, 2, 1), write(0, 3, 4, 2), read(1, 5, 6, v(2)))).isEqualTo(Verdict.LINEARIZABLE);
        assertThat(verdict(write(0, 1, 2, 1), write(0, 3, 4, 2), read(1, 5, 6, v(1)))).isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void aReadConcurrentWithAWriteMaySeeEitherValue() {
        assertThat(verdict(write(0, 1, 2, 1), write(0, 3, 6, 2), read(1, 4, 5, v(1)))).isEqualTo(Verdict.LINEARIZABLE);
        assertThat(verdict(write(0, 1, 2, 1), write(0, 3, 6, 2), read(1, 4, 5, v(2)))).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void concurrentWritesTakeEffectInOneOrderForAllReaders() {
        // Both writes span 1..10; reads in sequence see 1, then 2, then 1 again: would need 1 twice.
        assertThat(verdict(write(0, 1, 10, 1), write(1, 1, 10, 2),
                read(2, 2, 3, v(1)), read(2, 4, 5, v(2)), read(2, 6, 7, v(1)))).isEqualTo(Verdict.NOT_LINEARIZABLE);
        assertThat(verdict(write(0, 1, 10, 1), write(1, 1, 10, 2),
                read(2, 2, 3, v(1)), read(2, 4, 5, v(2)), read(3, 6, 7, v(2)))).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void opsThatOnlyTouchInTimeCountAsConcurrent() {
        // The read is called at the instant the write returns: it may still precede the write.
        assertThat(verdict(write(0, 1, 5, 1), read(1, 5, 6, NIL))).isEqualTo(Verdict.LINEARIZABLE);
        assertThat(verdict(write(0, 1, 5, 1), read(1, 6, 7, NIL))).isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void anIndeterminateWriteThatMustHaveBeenApplied() {
        // The timed-out write of 3 is the only way a later read can see 3.
        assertThat(verdict(write(0, 1, 2, 1), writeUnknown(1, 3, 3), read(2, 10, 11, v(3))))
                .isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void anIndeterminateWriteThatNeverHappened() {
        // Every read after it still sees 1: it may never have taken effect (or takes effect at the end).
        assertThat(verdict(write(0, 1, 2, 1), writeUnknown(1, 3, 3), read(2, 10, 11, v(1)), read(2, 12, 13, v(1))))
                .isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void anIndeterminateWriteTakesEffectAtMostOnce() {
        // 3 seen, then 1 (a completed write of 1 before it), then 3 again: would need the write twice.
        assertThat(verdict(writeUnknown(1, 1, 3), read(2, 2, 3, v(3)), write(0, 4, 5, 1), read(2, 6, 7, v(3))))
                .isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void anIndeterminateWriteCannotTakeEffectBeforeItsCall() {
        assertThat(verdict(read(2, 1, 2, v(3)), writeUnknown(1, 3, 3))).isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void aFailedCasMeansTheValueDidNotMatch() {
        assertThat(verdict(write(0, 1, 2, 1), cas(1, 3, 4, 2, 3, mismatch()), read(2, 5, 6, v(1))))
                .isEqualTo(Verdict.LINEARIZABLE);
        assertThat(verdict(write(0, 1, 2, 1), cas(1, 3, 4, 1, 3, mismatch()))).isEqualTo(Verdict.NOT_LINEARIZABLE);
        // ...but it may have run before a concurrent write made it match.
        assertThat(verdict(write(0, 1, 2, 1), write(0, 3, 6, 2), cas(1, 4, 5, 2, 3, mismatch())))
                .isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void aSuccessfulCasNeedsAMatchAndWrites() {
        assertThat(verdict(write(0, 1, 2, 1), cas(1, 3, 4, 1, 2, ok()), read(2, 5, 6, v(2))))
                .isEqualTo(Verdict.LINEARIZABLE);
        assertThat(verdict(write(0, 1, 2, 1), cas(1, 3, 4, 0, 2, ok()))).isEqualTo(Verdict.NOT_LINEARIZABLE);
        assertThat(verdict(write(0, 1, 2, 1), cas(1, 3, 4, 1, 2, ok()), read(2, 5, 6, v(1))))
                .isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void anIndeterminateCasAppliesOnlyIfItMatches() {
        assertThat(verdict(write(0, 1, 2, 1), cas(1, 3, END, 1, 2, unknown()), read(2, 5, 6, v(2))))
                .isEqualTo(Verdict.LINEARIZABLE);
        assertThat(verdict(write(0, 1, 2, 1), cas(1, 3, END, 0, 2, unknown()), read(2, 5, 6, v(2))))
                .isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void aReadWithUnknownResultFitsAnywhere() {
        assertThat(verdict(write(0, 1, 2, 1), readUnknown(1, 3, 4), write(0, 5, 6, 2))).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void keysAreCheckedIndependentlyAndTheFailingOneIsNamed() {
        CheckResult<RegisterInput, RegisterOutput> result = LinearizabilityChecker.check(CasRegisterModel.INSTANCE, List.of(
                write("a", 0, 1, 2, 1), write("b", 1, 1, 2, 2),
                read("a", 2, 3, 4, v(1)), read("b", 2, 5, 6, v(1))));
        assertThat(result.verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
        assertThat(result.partitions()).extracting(PartitionResult::name).containsExactly("a", "b");
        PartitionResult<RegisterInput, RegisterOutput> failure = result.firstFailure().orElseThrow();
        assertThat(failure.name()).isEqualTo("b");
        assertThat(failure.linearization()).containsExactly(write("b", 1, 1, 2, 2));
        assertThat(failure.stuckAt()).contains(read("b", 2, 5, 6, v(1)));
        assertThat(failure.stateWhenStuck()).contains("2");
    }

    @Test
    void aLinearizableResultCarriesAWitnessOrder() {
        Op<RegisterInput, RegisterOutput> w1 = write(0, 1, 10, 1);
        Op<RegisterInput, RegisterOutput> w2 = write(1, 2, 10, 2);
        Op<RegisterInput, RegisterOutput> r = read(2, 11, 12, v(1));
        PartitionResult<RegisterInput, RegisterOutput> only =
                LinearizabilityChecker.check(CasRegisterModel.INSTANCE, List.of(w1, w2, r)).partitions().get(0);
        assertThat(only.verdict()).isEqualTo(Verdict.LINEARIZABLE);
        assertThat(only.linearization()).containsExactly(w2, w1, r);
    }

    @Test
    void aSearchThatRunsOutOfTimeOrIsCancelledAnswersUnknownAndSaysWhy() {
        List<Op<RegisterInput, RegisterOutput>> hard = manyConcurrentWritesThenAnImpossibleRead(18);
        CheckResult<RegisterInput, RegisterOutput> cancelled = LinearizabilityChecker.check(CasRegisterModel.INSTANCE, hard,
                new CheckOptions(Duration.ofMinutes(1), () -> true));
        assertThat(cancelled.verdict()).isEqualTo(Verdict.UNKNOWN);
        assertThat(cancelled.partitions().get(0).gaveUp()).contains(GaveUp.CANCELLED);

        CheckResult<RegisterInput, RegisterOutput> timedOut = LinearizabilityChecker.check(
                CasRegisterModel.INSTANCE, hard, CheckOptions.withTimeout(Duration.ofMillis(50)));
        assertThat(timedOut.verdict()).isEqualTo(Verdict.UNKNOWN);
        assertThat(timedOut.partitions().get(0).gaveUp()).contains(GaveUp.TIME_BUDGET);
        assertThat(timedOut.elapsed()).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void oneFailingKeyDecidesWithoutWaitingForAHardOne() {
        List<Op<RegisterInput, RegisterOutput>> history = new ArrayList<>(manyConcurrentWritesThenAnImpossibleRead(22));
        history.add(read("z", 0, 1, 2, v(7)));
        CheckResult<RegisterInput, RegisterOutput> result = LinearizabilityChecker.check(CasRegisterModel.INSTANCE, history);
        assertThat(result.verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
        assertThat(result.firstFailure().orElseThrow().name()).isEqualTo("z");
        assertThat(result.partitions().get(0).gaveUp()).contains(GaveUp.NOT_NEEDED);
        assertThat(result.elapsed()).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void manyTimedOutWritesStayCheap() {
        // 60 rounds of: a timed-out write, a completed write, a read of it. Each timed-out write may
        // land anywhere after its call; a search that tried their subsets would never finish.
        List<Op<RegisterInput, RegisterOutput>> history = new ArrayList<>();
        for (int round = 0; round < 60; round++) {
            long t = 10L * round;
            history.add(writeUnknown(100 + round, t, round % 5));
            history.add(write(0, t + 1, t + 2, (round + 1) % 5));
            history.add(read(1, t + 3, t + 4, v((round + 1) % 5)));
        }
        List<Op<RegisterInput, RegisterOutput>> needsOne = new ArrayList<>(history);
        needsOne.add(read(1, 1000, 1001, v(0))); // only a timed-out write of 0 explains it
        List<Op<RegisterInput, RegisterOutput>> impossible = new ArrayList<>(history);
        impossible.add(read(1, 1000, 1001, v(7)));
        CheckOptions fiveSeconds = CheckOptions.withTimeout(Duration.ofSeconds(5));
        assertThat(LinearizabilityChecker.check(CasRegisterModel.INSTANCE, history, fiveSeconds).verdict())
                .isEqualTo(Verdict.LINEARIZABLE);
        assertThat(LinearizabilityChecker.check(CasRegisterModel.INSTANCE, needsOne, fiveSeconds).verdict())
                .isEqualTo(Verdict.LINEARIZABLE);
        assertThat(LinearizabilityChecker.check(CasRegisterModel.INSTANCE, impossible, fiveSeconds).verdict())
                .isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    /** n concurrent writes, then a read of a value none wrote: every subset of the writes gets explored. */
    static List<Op<RegisterInput, RegisterOutput>> manyConcurrentWritesThenAnImpossibleRead(int n) {
        List<Op<RegisterInput, RegisterOutput>> ops = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ops.add(write(i, i, n, i));
        }
        ops.add(read(n, n + 1, n + 2, v(-1)));
        return ops;
    }
}
