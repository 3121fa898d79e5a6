package io.agentd.jepsen.history;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Pairs a history's events into {@link Op}s. A completion pairs with the most recent open
 * invocation of its process. Ops still open at the end (never answered, or answered with Jepsen's
 * {@code :info}) get the model's unknown output and return after the last event.
 */
public final class HistoryBuilder<I, O> {
    private final String source;
    private final O unknownOutput;
    private final List<Slot<I, O>> slots = new ArrayList<>();
    private final Map<Integer, Deque<Slot<I, O>>> open = new HashMap<>();

    public HistoryBuilder(String source, O unknownOutput) {
        this.source = Objects.requireNonNull(source, "source");
        this.unknownOutput = Objects.requireNonNull(unknownOutput, "unknownOutput");
    }

    public void invoke(int process, I input, long time) {
        Slot<I, O> slot = new Slot<>(process, Objects.requireNonNull(input, "input"), time);
        slots.add(slot);
        open.computeIfAbsent(process, p -> new ArrayDeque<>()).push(slot);
    }

    /** The input of the process's most recent open invocation, if any. */
    public Optional<I> openInput(int process) {
        Deque<Slot<I, O>> stack = open.get(process);
        return stack == null || stack.isEmpty() ? Optional.empty() : Optional.of(stack.peek().input);
    }

    /** The process's open invocation returned {@code output} at {@code time}. */
    public void complete(int process, O output, long time, int line) throws MalformedHistoryException {
        Slot<I, O> slot = pop(process, line);
        if (time < slot.callTime) {
            throw new MalformedHistoryException(source, line, "returns before its invocation");
        }
        slot.output = Objects.requireNonNull(output, "output");
        slot.returnTime = time;
    }

    /** The process's open invocation definitely did not take effect: it leaves the history. */
    public void discard(int process, int line) throws MalformedHistoryException {
        pop(process, line).discarded = true;
    }

    /** Checks that the process has an open invocation (for completions that leave it open). */
    public void requireOpen(int process, int line) throws MalformedHistoryException {
        if (openInput(process).isEmpty()) {
            throw new MalformedHistoryException(source, line, "process " + process + " has no open invocation");
        }
    }

    public List<Op<I, O>> build() {
        List<Op<I, O>> ops = new ArrayList<>(slots.size());
        for (Slot<I, O> slot : slots) {
            if (slot.discarded) {
                continue;
            }
            ops.add(slot.output == null
                    ? new Op<>(slot.process, slot.input, unknownOutput, slot.callTime, Long.MAX_VALUE)
                    : new Op<>(slot.process, slot.input, slot.output, slot.callTime, slot.returnTime));
        }
        return ops;
    }

    private Slot<I, O> pop(int process, int line) throws MalformedHistoryException {
        requireOpen(process, line);
        return open.get(process).pop();
    }

    /** An invocation and, once known, how it ended. */
    private static final class Slot<I, O> {
        final int process;
        final I input;
        final long callTime;
        O output;
        long returnTime;
        boolean discarded;

        Slot(int process, I input, long callTime) {
            this.process = process;
            this.input = input;
            this.callTime = callTime;
        }
    }
}
