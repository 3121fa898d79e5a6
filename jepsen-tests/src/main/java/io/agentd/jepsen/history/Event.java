package io.agentd.jepsen.history;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The event-ordered form of a history: each op becomes a call and a return event.
 * {@code opIndex} is the op's index in the list the events were made from.
 */
public record Event<I, O>(Kind kind, int opIndex, Op<I, O> op) {
    public enum Kind { CALL, RETURN }

    public Event {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(op, "op");
        if (opIndex < 0) {
            throw new IllegalArgumentException("opIndex " + opIndex);
        }
    }

    public long time() {
        return kind == Kind.CALL ? op.callTime() : op.returnTime();
    }

    /**
     * Events of {@code ops} in time order. At equal times calls come before returns, so ops that
     * touch in time count as concurrent (the permissive reading of an ambiguous clock); otherwise
     * the order of {@code ops} breaks ties.
     */
    public static <I, O> List<Event<I, O>> inTimeOrder(List<Op<I, O>> ops) {
        List<Event<I, O>> events = new ArrayList<>(2 * ops.size());
        for (int i = 0; i < ops.size(); i++) {
            events.add(new Event<>(Kind.CALL, i, ops.get(i)));
            events.add(new Event<>(Kind.RETURN, i, ops.get(i)));
        }
        events.sort(Comparator.<Event<I, O>>comparingLong(Event::time)
                .thenComparing(Event::kind)
                .thenComparingInt(Event::opIndex));
        return events;
    }
}
