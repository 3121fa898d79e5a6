package io.agentd.jepsen.checker;

import io.agentd.jepsen.checker.CheckOptions.Budget;
import io.agentd.jepsen.history.Op;
import io.agentd.jepsen.model.Model;
import io.agentd.jepsen.model.Partition;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks histories for linearizability against a {@link Model}: splits them with the model's
 * partitioning (P-compositionality) and runs a WGL search ({@link WglSearch}) on each part.
 *
 * <p>The parts' searches take turns, with growing slices of steps, within one time budget. One part
 * that is not linearizable decides the verdict, and some parts of a bad history can take far longer
 * to exhaust than others take to fail; taking turns finds the quick failure first. Once one part
 * fails, the round finishes and the rest are left unknown.
 */
public final class LinearizabilityChecker {
    private static final long FIRST_SLICE_STEPS = 1 << 12;
    private static final long MAX_SLICE_STEPS = 1 << 20;

    private LinearizabilityChecker() {}

    public static <S, I, O> CheckResult<I, O> check(Model<S, I, O> model, List<Op<I, O>> history, CheckOptions options) {
        Budget budget = options.start();
        List<WglSearch<S, I, O>> searches = new ArrayList<>();
        for (Partition<I, O> partition : model.partition(history)) {
            searches.add(new WglSearch<>(model, partition.name(), partition.ops()));
        }
        long memoLimit = memoLimitBytes();
        long slice = FIRST_SLICE_STEPS;
        boolean decided = false;
        while (!decided) {
            boolean running = false;
            long memoInUse = searches.stream().filter(s -> !s.finished()).mapToLong(WglSearch::memoBytes).sum();
            for (WglSearch<S, I, O> search : searches) {
                if (search.finished()) {
                    continue;
                }
                long before = search.memoBytes();
                boolean finished = search.advance(slice, budget, memoLimit - (memoInUse - before));
                memoInUse += (finished ? 0 : search.memoBytes()) - before;
                if (!finished) {
                    running = true;
                } else if (search.result().verdict() == Verdict.NOT_LINEARIZABLE) {
                    decided = true;
                }
            }
            decided |= !running;
            slice = Math.min(2 * slice, MAX_SLICE_STEPS);
        }
        List<PartitionResult<I, O>> results = new ArrayList<>(searches.size());
        Verdict verdict = Verdict.LINEARIZABLE;
        for (WglSearch<S, I, O> search : searches) {
            if (!search.finished()) {
                search.abandon(GaveUp.NOT_NEEDED);
            }
            PartitionResult<I, O> result = search.result();
            results.add(result);
            verdict = Verdict.combine(verdict, result.verdict());
        }
        return new CheckResult<>(verdict, results, budget.elapsed());
    }

    public static <S, I, O> CheckResult<I, O> check(Model<S, I, O> model, List<Op<I, O>> history) {
        return check(model, history, CheckOptions.defaults());
    }

    /** Checks one sub-history as a whole, without partitioning it further. */
    public static <S, I, O> PartitionResult<I, O> checkPartition(
            Model<S, I, O> model, Partition<I, O> partition, CheckOptions options) {
        return WglSearch.run(model, partition.name(), partition.ops(), options.start(), memoLimitBytes());
    }

    /** The memo may take about half the heap; beyond that a search gives up (unknown) rather than fail. */
    static long memoLimitBytes() {
        return Runtime.getRuntime().maxMemory() / 2;
    }
}
