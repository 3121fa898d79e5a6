package io.agentd.jepsen.checker;

import io.agentd.jepsen.checker.CheckOptions.Budget;
import io.agentd.jepsen.checker.SearchHistory.Entry;
import io.agentd.jepsen.history.Op;
import io.agentd.jepsen.model.Model;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The Wing &amp; Gong linearizability search with Lowe's memoization, over one sub-history.
 *
 * <p>The history is a doubly linked list of call and return entries in time order. The calls
 * before the first return are the ops that may take effect next. The search linearizes one of
 * them that the model accepts (unlinking its two entries), and goes on from the new front;
 * when none fits, it backtracks: relinks the last op linearized and tries the next candidate
 * there. Configurations (set of linearized ops, state) already explored are skipped, which is
 * what makes the search practical.
 *
 * <p>Refinements, each sound on its own:
 *
 * <ul>
 *   <li>Candidates are tried in the order they return: the op that must be linearized first goes
 *       first, and others are linearized early only when needed, so correct histories rarely
 *       backtrack.
 *   <li>A read-only op (see {@link Model#isReadOnly}) that may go next and that the state accepts
 *       is linearized at once, without trying alternatives: if any order completes the history,
 *       one that starts with that op does too (moving it to the front breaks no real-time
 *       constraint, as it may go next, and changes no state). This prunes the orders of
 *       concurrent reads.
 *   <li>Ops with unknown outcome that return at the end are optional ({@link SearchHistory}): the
 *       search succeeds once every other op is linearized, and a configuration that used more of
 *       them than one already explored, with all else equal, is skipped ({@link ConfigMemo}).
 *       Without this, timed-out writes multiply the configurations by two each. For the same
 *       reason an op is not linearized right after an optional op if it would reach the same state
 *       without it.
 * </ul>
 *
 * <p>The search is resumable ({@link #advance}), so that independent partitions can share a time
 * budget round-robin and the first one found not linearizable decides quickly.
 */
final class WglSearch<S, I, O> {
    private static final int BUDGET_CHECK_INTERVAL = 1 << 12;

    private final Model<S, I, O> model;
    private final String name;
    private final SearchHistory<I, O> history;
    private final List<Op<I, O>> ops;
    private final Entry head;
    private final long[] opHashes;

    private final long[] requiredDone;
    private final long[] optionalDone;
    private int requiredLeft;
    private long requiredHash;
    private ConfigMemo memo;
    /** Per depth: the ops tried there, the next one to try, and the state there. */
    private final Entry[][] candidates;
    private final int[] candidateCount;
    private final int[] nextCandidate;
    private final Object[] states;
    private final Entry[] firstReturns;
    /** The op linearized at each depth below the current one. */
    private final Entry[] chosen;
    private int depth;
    private S state;
    private boolean fresh = true;
    private Verdict verdict;
    private GaveUp gaveUp;

    private int[] longest = new int[0];
    private Entry stuckAt;
    private S stateWhenStuck;

    WglSearch(Model<S, I, O> model, String name, List<Op<I, O>> ops) {
        this.model = model;
        this.name = name;
        this.history = new SearchHistory<>(model, ops);
        this.ops = history.ops;
        this.head = history.head;
        int n = this.ops.size();
        opHashes = new long[n];
        // Random per-op keys XOR-ed together hash a set of ops in O(1) per change (Zobrist hashing).
        SplittableRandom random = new SplittableRandom(0x5EED);
        for (int i = 0; i < n; i++) {
            opHashes[i] = random.nextLong();
        }
        requiredDone = new long[(history.requiredCount + 63) >>> 6];
        optionalDone = new long[(history.optionalCount + 63) >>> 6];
        requiredLeft = history.requiredCount;
        memo = new ConfigMemo(history.optionalCount);
        candidates = new Entry[n + 1][];
        candidateCount = new int[n + 1];
        nextCandidate = new int[n + 1];
        states = new Object[n + 1];
        firstReturns = new Entry[n + 1];
        chosen = new Entry[n];
        state = model.initialState();
        stateWhenStuck = state;
    }

    /** Runs one search to the end, or until the budget runs out. */
    static <S, I, O> PartitionResult<I, O> run(
            Model<S, I, O> model, String name, List<Op<I, O>> ops, Budget budget, long memoLimitBytes) {
        WglSearch<S, I, O> search = new WglSearch<>(model, name, ops);
        search.advance(Long.MAX_VALUE, budget, memoLimitBytes);
        return search.result();
    }

    boolean finished() {
        return verdict != null;
    }

    /** Rough bytes held by the memo, for the memory guard. */
    long memoBytes() {
        return memo.bytes(requiredDone.length);
    }

    /** Stops the search for good; its verdict becomes unknown. */
    void abandon(GaveUp reason) {
        verdict = Verdict.UNKNOWN;
        gaveUp = reason;
        memo = new ConfigMemo(0);
    }

    /**
     * Searches for up to {@code maxSteps} steps. Returns true once finished: a verdict was reached, the
     * budget ran out, or the memo outgrew {@code memoLimitBytes} (then the verdict is unknown).
     */
    boolean advance(long maxSteps, Budget budget, long memoLimitBytes) {
        try {
            for (long steps = 1; verdict == null; steps++) {
                if ((steps & (BUDGET_CHECK_INTERVAL - 1)) == 0) {
                    Optional<GaveUp> stop = budget.exhausted();
                    if (stop.isEmpty() && (memoBytes() > memoLimitBytes || MemoryGuard.heapNearlyFull())) {
                        stop = Optional.of(GaveUp.MEMORY);
                    }
                    if (stop.isPresent()) {
                        abandon(stop.get());
                        break;
                    }
                }
                if (steps > maxSteps) {
                    return false;
                }
                step();
            }
        } catch (OutOfMemoryError e) {
            // The memo is nearly all the search holds; dropping it lets the JVM carry on.
            abandon(GaveUp.MEMORY);
        }
        memo = new ConfigMemo(0); // done with it
        return true;
    }

    private void step() {
        if (requiredLeft == 0) {
            verdict = Verdict.LINEARIZABLE;
            return;
        }
        if (fresh) {
            fresh = false;
            collectCandidates();
        }
        if (nextCandidate[depth] == candidateCount[depth]) {
            // Every op that may go next failed here: the op returning first must precede all that is
            // left, and no order fits it in.
            noteStuck();
            backtrack();
            return;
        }
        Entry call = candidates[depth][nextCandidate[depth]++];
        Op<I, O> op = ops.get(call.op);
        Optional<S> next = model.step(state, op.input(), op.output());
        if (next.isPresent() && !madeMootByOptional(op, next.get())) {
            tryLinearize(call, next.get());
        }
    }

    /**
     * True if the last op linearized is optional and {@code op} would reach the same state without
     * it. The configuration is then subsumed by the one that skips the optional op, which the
     * search tries from the previous depth (the op may go next there too, as the optional op's
     * return is at the end). Typical case: a timed-out write, then any write.
     */
    private boolean madeMootByOptional(Op<I, O> op, S next) {
        if (depth == 0 || !history.optional[chosen[depth - 1].op]) {
            return false;
        }
        @SuppressWarnings("unchecked")
        S before = (S) states[depth - 1];
        Optional<S> without = model.step(before, op.input(), op.output());
        return without.isPresent() && without.get().equals(next);
    }

    /**
     * The ops that may go next: the calls before the first return in the list. Tried in the order
     * they return, so an op is linearized early only when the others cannot go first (which finds
     * orders of correct histories fast). A read-only op the state accepts goes alone.
     */
    private void collectCandidates() {
        int count = 0;
        Entry e = head.next;
        for (; e.call; e = e.next) {
            count++;
        }
        firstReturns[depth] = e;
        Entry[] list = candidates[depth];
        if (list == null || list.length < count) {
            list = new Entry[Math.max(count, 4)];
            candidates[depth] = list;
        }
        int size = 0;
        for (Entry c = head.next; c.call; c = c.next) {
            if (history.readOnly[c.op]) {
                Op<I, O> op = ops.get(c.op);
                Optional<S> next = model.step(state, op.input(), op.output());
                if (next.isPresent() && next.get().equals(state)) {
                    list[0] = c;
                    size = 1;
                    break;
                }
            }
            int at = size++;
            while (at > 0 && list[at - 1].match.rank > c.match.rank) {
                list[at] = list[at - 1];
                at--;
            }
            list[at] = c;
        }
        candidateCount[depth] = size;
        nextCandidate[depth] = 0;
        states[depth] = state;
    }

    /** Linearizes {@code call} next, unless that configuration (or one subsuming it) was explored. */
    private void tryLinearize(Entry call, S nextState) {
        flip(call.op);
        if (!memo.add(requiredDone, nextState, requiredHash * 31 + nextState.hashCode(), optionalDone)) {
            flip(call.op);
            return;
        }
        chosen[depth] = call;
        depth++;
        state = nextState;
        call.unlink();
        fresh = true;
    }

    /** Undoes the last linearization; the search goes on with the next candidate there. */
    private void backtrack() {
        states[depth] = null;
        if (depth == 0) {
            verdict = Verdict.NOT_LINEARIZABLE;
            return;
        }
        depth--;
        Entry call = chosen[depth];
        @SuppressWarnings("unchecked")
        S previous = (S) states[depth];
        state = previous;
        flip(call.op);
        call.relink();
    }

    /** Marks the op linearized if it was not, and not if it was. */
    private void flip(int op) {
        int bit = history.bit[op];
        long mask = 1L << bit;
        if (history.optional[op]) {
            optionalDone[bit >>> 6] ^= mask;
        } else {
            requiredDone[bit >>> 6] ^= mask;
            requiredHash ^= opHashes[op];
            requiredLeft += (requiredDone[bit >>> 6] & mask) != 0 ? -1 : 1;
        }
    }

    private void noteStuck() {
        if (stuckAt == null || depth > longest.length) {
            longest = new int[depth];
            for (int i = 0; i < depth; i++) {
                longest[i] = chosen[i].op;
            }
            stuckAt = firstReturns[depth];
            stateWhenStuck = state;
        }
    }

    PartitionResult<I, O> result() {
        Verdict outcome = verdict == null ? Verdict.UNKNOWN : verdict;
        Optional<GaveUp> reason = outcome != Verdict.UNKNOWN ? Optional.empty()
                : Optional.of(gaveUp == null ? GaveUp.TIME_BUDGET : gaveUp);
        int[] order = longest;
        if (outcome == Verdict.LINEARIZABLE) {
            order = new int[depth];
            for (int i = 0; i < depth; i++) {
                order[i] = chosen[i].op;
            }
        }
        List<Op<I, O>> linearization;
        if (outcome == Verdict.LINEARIZABLE) {
            linearization = history.completeWitness(order);
        } else {
            linearization = new ArrayList<>(order.length);
            for (int id : order) {
                linearization.add(ops.get(id));
            }
        }
        boolean failed = outcome == Verdict.NOT_LINEARIZABLE && stuckAt != null;
        return new PartitionResult<>(name, outcome, ops, linearization,
                failed ? Optional.of(ops.get(stuckAt.op)) : Optional.empty(),
                failed ? Optional.of(model.describeState(stateWhenStuck)) : Optional.empty(), reason);
    }
}
