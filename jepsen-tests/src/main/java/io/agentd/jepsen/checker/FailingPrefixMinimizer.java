package io.agentd.jepsen.checker;

import io.agentd.jepsen.checker.CheckOptions.Budget;
import io.agentd.jepsen.history.Event;
import io.agentd.jepsen.history.Op;
import io.agentd.jepsen.model.Model;
import io.agentd.jepsen.model.Partition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Shrinks a non-linearizable sub-history to its shortest failing prefix.
 *
 * <p>The prefix up to the k-th return event holds every op called by then; ops still running at
 * the cut keep their call but get the model's unknown output and return at the end, so they may
 * or may not have taken effect. With that reading, linearizability is prefix-closed (a
 * linearization of the whole, cut after its last op completed by then, linearizes the prefix), so
 * "prefix k fails" is monotone in k and a binary search finds the first failing k.
 */
public final class FailingPrefixMinimizer {
    private FailingPrefixMinimizer() {}

    /**
     * A failing prefix of a partition.
     *
     * @param name the partition's name
     * @param ops the prefix (see {@link #prefix})
     * @param returns how many return events the prefix keeps
     * @param minimal false if the budget ran out first: then {@code ops} fails but a shorter prefix
     *     might too
     */
    public record FailingPrefix<I, O>(String name, List<Op<I, O>> ops, int returns, boolean minimal) {
        public FailingPrefix {
            Objects.requireNonNull(name, "name");
            ops = List.copyOf(ops);
        }
    }

    /**
     * The shortest failing prefix of {@code failing}, which must not be linearizable (otherwise
     * the answer is the whole partition). Runs O(log n) searches within the options' budget.
     */
    public static <S, I, O> FailingPrefix<I, O> shortestFailingPrefix(
            Model<S, I, O> model, Partition<I, O> failing, CheckOptions options) {
        Budget budget = options.start();
        List<Event<I, O>> events = Event.inTimeOrder(failing.ops());
        int totalReturns = failing.ops().size();
        int lo = 1;
        int hi = totalReturns;
        boolean minimal = true;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            Verdict verdict = WglSearch.run(model, failing.name(), prefix(model, events, mid), budget,
                    LinearizabilityChecker.memoLimitBytes()).verdict();
            if (verdict == Verdict.UNKNOWN) {
                minimal = false;
                break;
            }
            if (verdict == Verdict.NOT_LINEARIZABLE) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return new FailingPrefix<>(failing.name(), prefix(model, events, hi), hi, minimal);
    }

    /**
     * The history cut after its {@code returns}-th return event: the ops called by then, in call
     * order, those still running given the model's unknown output and a return at the end.
     */
    public static <S, I, O> List<Op<I, O>> prefix(Model<S, I, O> model, List<Event<I, O>> events, int returns) {
        boolean[] returned = new boolean[events.size() / 2];
        List<Event<I, O>> calls = new ArrayList<>();
        int seen = 0;
        for (Event<I, O> event : events) {
            if (event.kind() == Event.Kind.CALL) {
                calls.add(event);
            } else {
                returned[event.opIndex()] = true;
                if (++seen == returns) {
                    break;
                }
            }
        }
        List<Op<I, O>> ops = new ArrayList<>(calls.size());
        for (Event<I, O> call : calls) {
            Op<I, O> op = call.op();
            ops.add(returned[call.opIndex()] ? op : op.withOutput(model.unknownOutput(), Long.MAX_VALUE));
        }
        return ops;
    }
}
