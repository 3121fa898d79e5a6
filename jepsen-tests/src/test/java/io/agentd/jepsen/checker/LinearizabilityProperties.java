package io.agentd.jepsen.checker;

import io.agentd.jepsen.history.Op;
import io.agentd.jepsen.model.CasRegisterModel;
import io.agentd.jepsen.model.KvInput;
import io.agentd.jepsen.model.KvOutput;
import io.agentd.jepsen.model.KvStoreModel;
import io.agentd.jepsen.model.Model;
import io.agentd.jepsen.model.Partition;
import io.agentd.jepsen.model.RegisterInput;
import io.agentd.jepsen.model.RegisterOutput;
import io.agentd.jepsen.model.RegisterValue;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Histories made by running ops against a real register, each op's interval around the instant it
 * took effect, are linearizable; a read changed to a value nobody wrote makes them not. And on
 * small random histories the checker agrees with trying every order.
 */
class LinearizabilityProperties {
    private static final long END = Long.MAX_VALUE;
    private static final String[] KEYS = {"a", "b", "c"};

    /** One generated op: what it does, and how its interval and outcome are recorded. */
    record Step(int kind, int key, int first, int second, int lead, int lag, int outcome) {
        boolean neverHappened() {
            return kind != 0 && outcome == 8;
        }

        boolean outcomeUnknown() {
            return outcome >= 7;
        }
    }

    @Provide
    Arbitrary<List<Step>> executions() {
        Arbitrary<Step> step = Combinators.combine(
                Arbitraries.integers().between(0, 2),
                Arbitraries.integers().between(0, KEYS.length - 1),
                Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(0, 40),
                Arbitraries.integers().between(0, 40),
                Arbitraries.integers().between(0, 9)).as(Step::new);
        return step.list().ofMinSize(1).ofMaxSize(60);
    }

    /**
     * Runs the steps in order against real registers; step i takes effect at time 10(i+1), and is
     * recorded as called {@code lead} before and returned {@code lag} after that. Outcome 7 records
     * it as timed out (returns at the end, unknown); 8 likewise, and it never takes effect; 9 makes
     * a read's result unknown. A read of each key is added at the end, so there is one to corrupt.
     */
    static List<Op<RegisterInput, RegisterOutput>> execute(List<Step> steps) {
        List<Step> all = new ArrayList<>(steps);
        for (int k = 0; k < KEYS.length; k++) {
            all.add(new Step(0, k, 0, 0, 0, 0, 0));
        }
        Map<String, RegisterValue> registers = new HashMap<>();
        List<Op<RegisterInput, RegisterOutput>> ops = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            Step s = all.get(i);
            long at = 10L * (i + 1);
            String key = KEYS[s.key()];
            RegisterValue current = registers.getOrDefault(key, RegisterValue.ABSENT);
            RegisterInput input;
            RegisterOutput output;
            if (s.kind() == 0) {
                input = new RegisterInput.Read(key);
                output = RegisterOutput.read(current);
            } else if (s.kind() == 1) {
                input = new RegisterInput.Write(key, RegisterValue.of(s.first()));
                output = RegisterOutput.Done.OK;
                if (!s.neverHappened()) {
                    registers.put(key, RegisterValue.of(s.first()));
                }
            } else {
                RegisterValue expected = s.first() == 3 ? RegisterValue.ABSENT : RegisterValue.of(s.first());
                input = new RegisterInput.Cas(key, expected, RegisterValue.of(s.second()));
                boolean matches = current.equals(expected);
                output = matches ? RegisterOutput.Done.OK : RegisterOutput.CasMismatch.MISMATCH;
                if (matches && !s.neverHappened()) {
                    registers.put(key, RegisterValue.of(s.second()));
                }
            }
            long call = at - s.lead();
            long ret = at + s.lag();
            if (s.outcomeUnknown()) {
                boolean readReturned = s.kind() == 0 && s.outcome() == 9;
                ops.add(new Op<>(i, input, RegisterOutput.Unknown.UNKNOWN, call, readReturned ? ret : END));
            } else {
                ops.add(new Op<>(i, input, output, call, ret));
            }
        }
        return ops;
    }

    @Property(tries = 300)
    void executionsOfARealRegisterAreLinearizable(@ForAll("executions") List<Step> steps) {
        List<Op<RegisterInput, RegisterOutput>> history = execute(steps);
        CheckResult<RegisterInput, RegisterOutput> result = LinearizabilityChecker.check(CasRegisterModel.INSTANCE, history);
        assertThat(result.verdict()).isEqualTo(Verdict.LINEARIZABLE);
        result.partitions().forEach(p -> assertIsAWitness(CasRegisterModel.INSTANCE, p));
    }

    /** The linearization of a linearizable partition holds every op once, respects real time, and replays. */
    static <S, I, O> void assertIsAWitness(Model<S, I, O> model, PartitionResult<I, O> result) {
        List<Op<I, O>> order = result.linearization();
        assertThat(order).containsExactlyInAnyOrderElementsOf(result.ops());
        S state = model.initialState();
        for (int i = 0; i < order.size(); i++) {
            for (int j = i + 1; j < order.size(); j++) {
                assertThat(order.get(j).returnTime()).as("%s must not precede %s", order.get(j), order.get(i))
                        .isGreaterThanOrEqualTo(order.get(i).callTime());
            }
            Op<I, O> op = order.get(i);
            state = model.step(state, op.input(), op.output()).orElseThrow(() -> new AssertionError("does not replay: " + op));
        }
    }

    @Property(tries = 300)
    void aReadOfAValueNobodyWroteIsNotLinearizable(@ForAll("executions") List<Step> steps,
                                                   @ForAll int pick) {
        List<Op<RegisterInput, RegisterOutput>> history = new ArrayList<>(execute(steps));
        List<Integer> reads = new ArrayList<>();
        for (int i = 0; i < history.size(); i++) {
            if (history.get(i).output() instanceof RegisterOutput.ReadValue) {
                reads.add(i);
            }
        }
        int victim = reads.get(Math.floorMod(pick, reads.size()));
        Op<RegisterInput, RegisterOutput> read = history.get(victim);
        history.set(victim, read.withOutput(RegisterOutput.read(RegisterValue.of(99)), read.returnTime()));
        CheckResult<RegisterInput, RegisterOutput> result = LinearizabilityChecker.check(CasRegisterModel.INSTANCE, history);
        assertThat(result.verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
        assertThat(result.firstFailure().orElseThrow().name()).isEqualTo(read.input().key());
    }

    @Provide
    Arbitrary<List<Op<RegisterInput, RegisterOutput>>> smallRegisterHistories() {
        Arbitrary<RegisterValue> value = Arbitraries.integers().between(-1, 2)
                .map(v -> v < 0 ? RegisterValue.ABSENT : RegisterValue.of(v));
        Arbitrary<String> key = Arbitraries.of("a", "b");
        Arbitrary<RegisterOutput> unknown = Arbitraries.just(RegisterOutput.Unknown.UNKNOWN);
        Arbitrary<Call<RegisterInput, RegisterOutput>> call = Arbitraries.oneOf(
                Combinators.combine(key.map(RegisterInput.Read::new),
                        Arbitraries.frequencyOf(Tuple.of(4, value.map(RegisterOutput::read)), Tuple.of(1, unknown)))
                        .as(Call::new),
                Combinators.combine(Combinators.combine(key, value).as(RegisterInput.Write::new),
                        Arbitraries.of(RegisterOutput.Done.OK, RegisterOutput.Unknown.UNKNOWN))
                        .as(Call::new),
                Combinators.combine(Combinators.combine(key, value, value).as(RegisterInput.Cas::new),
                        Arbitraries.of(RegisterOutput.Done.OK, RegisterOutput.CasMismatch.MISMATCH, RegisterOutput.Unknown.UNKNOWN))
                        .as(Call::new));
        return ops(call);
    }

    @Provide
    Arbitrary<List<Op<KvInput, KvOutput>>> smallKvHistories() {
        Arbitrary<String> text = Arbitraries.of("", "x", "y", "xy", "yx", "xx");
        Arbitrary<KvOutput> done = Arbitraries.of(KvOutput.Done.OK, KvOutput.Unknown.UNKNOWN);
        Arbitrary<Call<KvInput, KvOutput>> call = Arbitraries.oneOf(
                Combinators.combine(Arbitraries.just(new KvInput.Get("k")),
                        Arbitraries.frequencyOf(Tuple.of(4, text.map(KvOutput.Value::new)),
                                Tuple.of(1, Arbitraries.just(KvOutput.Unknown.UNKNOWN))))
                        .as(Call::new),
                Combinators.combine(text.map(t -> new KvInput.Put("k", t)), done).as(Call::new),
                Combinators.combine(Arbitraries.of("x", "y").map(t -> new KvInput.Append("k", t)), done).as(Call::new));
        return ops(call);
    }

    /** Mostly timed-out writes and cas (unknown, returning at the end) among reads: optional ops galore. */
    @Provide
    Arbitrary<List<Op<RegisterInput, RegisterOutput>>> smallRegisterHistoriesWithTimeouts() {
        Arbitrary<RegisterValue> value = Arbitraries.integers().between(-1, 2)
                .map(v -> v < 0 ? RegisterValue.ABSENT : RegisterValue.of(v));
        Arbitrary<Op<RegisterInput, RegisterOutput>> timedOut = Combinators.combine(
                        Arbitraries.oneOf(value.map(v -> new RegisterInput.Write("k", v)),
                                Combinators.combine(value, value).as((a, b) -> new RegisterInput.Cas("k", a, b))),
                        Arbitraries.integers().between(0, 20))
                .as((input, call) -> new Op<>(9, input, RegisterOutput.Unknown.UNKNOWN, call, END));
        Arbitrary<Op<RegisterInput, RegisterOutput>> read = Combinators.combine(
                        value, Arbitraries.integers().between(0, 20), Arbitraries.integers().between(0, 6))
                .as((v, call, length) -> new Op<>(1, new RegisterInput.Read("k"), RegisterOutput.read(v), call, call + length));
        Arbitrary<Op<RegisterInput, RegisterOutput>> write = Combinators.combine(
                        value, Arbitraries.integers().between(0, 20), Arbitraries.integers().between(0, 6))
                .as((v, call, length) -> new Op<>(2, new RegisterInput.Write("k", v), RegisterOutput.Done.OK, call, call + length));
        return Arbitraries.frequencyOf(Tuple.of(3, timedOut), Tuple.of(3, read), Tuple.of(1, write))
                .list().ofMinSize(0).ofMaxSize(8);
    }

    /** An input with an output of a fitting kind. */
    record Call<I, O>(I input, O output) {
    }

    /** Up to 7 ops with random, often overlapping intervals; some return at the end. */
    private static <I, O> Arbitrary<List<Op<I, O>>> ops(Arbitrary<Call<I, O>> calls) {
        Arbitrary<Op<I, O>> op = Combinators.combine(
                        Arbitraries.integers().between(0, 3), calls,
                        Arbitraries.integers().between(0, 20), Arbitraries.integers().between(-2, 10))
                .as((process, call, start, length) ->
                        new Op<>(process, call.input(), call.output(), start, length < 0 ? END : start + length));
        return op.list().ofMinSize(0).ofMaxSize(7);
    }

    @Property(tries = 500)
    void agreesWithTryingEveryOrderOnRegisters(@ForAll("smallRegisterHistories") List<Op<RegisterInput, RegisterOutput>> history) {
        assertAgreesWithBruteForce(CasRegisterModel.INSTANCE, history);
    }

    @Property(tries = 500)
    void agreesWithTryingEveryOrderOnTimedOutOps(
            @ForAll("smallRegisterHistoriesWithTimeouts") List<Op<RegisterInput, RegisterOutput>> history) {
        assertAgreesWithBruteForce(CasRegisterModel.INSTANCE, history);
    }

    @Property(tries = 500)
    void agreesWithTryingEveryOrderOnKv(@ForAll("smallKvHistories") List<Op<KvInput, KvOutput>> history) {
        assertAgreesWithBruteForce(KvStoreModel.INSTANCE, history);
    }

    private static <S, I, O> void assertAgreesWithBruteForce(Model<S, I, O> model, List<Op<I, O>> history) {
        boolean expected = model.partition(history).stream()
                .allMatch(p -> anyOrderWorks(model, p, (1 << p.ops().size()) - 1, model.initialState()));
        // Both verdicts must come up often, or the comparison says little.
        Statistics.collect(expected ? "linearizable" : "not linearizable");
        Statistics.coverage(coverage -> {
            coverage.check("linearizable").percentage(p -> p > 10);
            coverage.check("not linearizable").percentage(p -> p > 10);
        });
        CheckResult<I, O> result = LinearizabilityChecker.check(model, history);
        assertThat(result.verdict()).isEqualTo(expected ? Verdict.LINEARIZABLE : Verdict.NOT_LINEARIZABLE);
        if (expected) {
            result.partitions().forEach(p -> assertIsAWitness(model, p));
        }
    }

    /** Tries every order of the ops in {@code remaining} that respects real time. */
    private static <S, I, O> boolean anyOrderWorks(Model<S, I, O> model, Partition<I, O> part, int remaining, S state) {
        if (remaining == 0) {
            return true;
        }
        List<Op<I, O>> ops = part.ops();
        for (int x = 0; x < ops.size(); x++) {
            if ((remaining & (1 << x)) == 0 || !mayGoNext(ops, remaining, x)) {
                continue;
            }
            Optional<S> next = model.step(state, ops.get(x).input(), ops.get(x).output());
            if (next.isPresent() && anyOrderWorks(model, part, remaining & ~(1 << x), next.get())) {
                return true;
            }
        }
        return false;
    }

    private static <I, O> boolean mayGoNext(List<Op<I, O>> ops, int remaining, int x) {
        for (int y = 0; y < ops.size(); y++) {
            if ((remaining & (1 << y)) != 0 && ops.get(y).returnTime() < ops.get(x).callTime()) {
                return false;
            }
        }
        return true;
    }
}
