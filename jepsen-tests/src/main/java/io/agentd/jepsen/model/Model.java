package io.agentd.jepsen.model;

import io.agentd.jepsen.history.Op;
import java.util.List;
import java.util.Optional;

/**
 * A sequential specification the checker linearizes a history against.
 *
 * <p>Deterministic: given a state, an input and the output the client saw, there is at most one next
 * state. States must be immutable values with {@code equals}/{@code hashCode}, because the checker
 * memoizes (linearized ops, state) pairs.
 *
 * @param <S> state
 * @param <I> operation input (what the client asked)
 * @param <O> operation output (what the client was told)
 */
public interface Model<S, I, O> {
    S initialState();

    /** The state after {@code input} ran in {@code state} and answered {@code output}; empty if it could not have. */
    Optional<S> step(S state, I input, O output);

    /**
     * The output of an op whose answer is not known (timed out, or still running where a history was
     * cut). {@link #step} must accept it in every state: the op may or may not have taken effect.
     */
    O unknownOutput();

    /**
     * True if every step this input and output can take leaves the state as it was (a read, a
     * compare-and-set that did not match). The search then linearizes such an op as soon as the
     * state accepts it, without trying other orders, and ignores such ops with unknown output. False
     * is always safe.
     */
    default boolean isReadOnly(I input, O output) {
        return false;
    }

    /**
     * Splits a history into independent sub-histories (P-compositionality: the history is
     * linearizable iff each part is). The default keeps it whole.
     */
    default List<Partition<I, O>> partition(List<Op<I, O>> history) {
        return List.of(new Partition<>("all", history));
    }

    /** How to show a state in a report. */
    default String describeState(S state) {
        return String.valueOf(state);
    }
}
