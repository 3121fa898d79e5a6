package io.agentd.jepsen.checker;

import io.agentd.jepsen.history.Event;
import io.agentd.jepsen.history.Op;
import io.agentd.jepsen.model.Model;
import java.util.ArrayList;
import java.util.List;

/**
 * A partition's ops as {@link WglSearch} sees them: classified, numbered within their class, and
 * laid out as a doubly linked list of call and return entries in time order.
 *
 * <ul>
 *   <li>dropped: read-only with unknown output. They accept every state and change nothing, so
 *       they fit anywhere in their interval and need no search.
 *   <li>optional: unknown output and a return after every call. Nothing has to follow them and
 *       every state accepts them, so they can always go last: they never have to happen.
 *   <li>required: the rest.
 * </ul>
 */
final class SearchHistory<I, O> {
    final List<Op<I, O>> ops;
    final boolean[] readOnly;
    final boolean[] optional;
    /** Index of the op among the required or among the optional ops, per {@link #optional}. */
    final int[] bit;
    final int requiredCount;
    final int optionalCount;
    private final boolean[] dropped;
    /** Sentinel in front of the list. */
    final Entry head = new Entry(-1, false, -1);

    SearchHistory(Model<?, I, O> model, List<Op<I, O>> ops) {
        this.ops = List.copyOf(ops);
        int n = this.ops.size();
        readOnly = new boolean[n];
        optional = new boolean[n];
        dropped = new boolean[n];
        bit = new int[n];
        long lastCall = Long.MIN_VALUE;
        for (Op<I, O> op : this.ops) {
            lastCall = Math.max(lastCall, op.callTime());
        }
        int required = 0;
        int optionals = 0;
        for (int i = 0; i < n; i++) {
            Op<I, O> op = this.ops.get(i);
            boolean unknown = op.output().equals(model.unknownOutput());
            readOnly[i] = model.isReadOnly(op.input(), op.output());
            dropped[i] = unknown && readOnly[i];
            optional[i] = unknown && !readOnly[i] && op.returnTime() >= lastCall;
            if (!dropped[i]) {
                bit[i] = optional[i] ? optionals++ : required++;
            }
        }
        requiredCount = required;
        optionalCount = optionals;

        Entry[] calls = new Entry[n];
        Entry last = head;
        int rank = 0;
        for (Event<I, O> event : Event.inTimeOrder(this.ops)) {
            if (dropped[event.opIndex()]) {
                continue;
            }
            Entry e = new Entry(event.opIndex(), event.kind() == Event.Kind.CALL, rank++);
            if (e.call) {
                calls[event.opIndex()] = e;
            } else {
                calls[event.opIndex()].match = e;
            }
            e.prev = last;
            last.next = e;
            last = e;
        }
    }

    /**
     * A full linearization from the ops the search ordered ({@code order}, which holds every
     * required op): the optional ops it left out go last, and each dropped op goes right after the
     * last op that returned before it was called (anything that must follow the dropped op comes
     * later still, so that respects real time).
     */
    List<Op<I, O>> completeWitness(int[] order) {
        List<Op<I, O>> witness = new ArrayList<>(ops.size());
        boolean[] placed = new boolean[ops.size()];
        for (int id : order) {
            witness.add(ops.get(id));
            placed[id] = true;
        }
        for (int id = 0; id < ops.size(); id++) {
            if (optional[id] && !placed[id]) {
                witness.add(ops.get(id));
            }
        }
        for (int id = 0; id < ops.size(); id++) {
            if (dropped[id]) {
                Op<I, O> op = ops.get(id);
                int at = 0;
                for (int i = 0; i < witness.size(); i++) {
                    if (witness.get(i).returnTime() < op.callTime()) {
                        at = i + 1;
                    }
                }
                witness.add(at, op);
            }
        }
        return witness;
    }

    /** A call or return entry of the list; a call knows its return ({@code match}). */
    static final class Entry {
        final int op;
        final boolean call;
        /** Position in the time order. */
        final int rank;
        Entry match;
        Entry prev;
        Entry next;

        Entry(int op, boolean call, int rank) {
            this.op = op;
            this.call = call;
            this.rank = rank;
        }

        /** Takes this call and its return out of the list; {@link #relink} undoes it. */
        void unlink() {
            prev.next = next;
            if (next != null) {
                next.prev = prev;
            }
            match.prev.next = match.next;
            if (match.next != null) {
                match.next.prev = match.prev;
            }
        }

        /** Puts this call and its return back, in the reverse order of {@link #unlink}. */
        void relink() {
            match.prev.next = match;
            if (match.next != null) {
                match.next.prev = match;
            }
            prev.next = this;
            if (next != null) {
                next.prev = this;
            }
        }
    }
}
