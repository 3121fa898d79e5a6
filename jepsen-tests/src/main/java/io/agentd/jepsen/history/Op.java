package io.agentd.jepsen.history;

import java.util.Objects;

/**
 * One operation of a history: what a client asked ({@code input}), what it was told ({@code output}),
 * and when it was called and returned. Times only need to be comparable within one history (the
 * parsers use line numbers). An op whose outcome is unknown carries the model's "unknown" output and
 * returns at the end of the history, so the checker may place it anywhere after its call, including
 * after everything else (which is the same as "it never happened").
 */
public record Op<I, O>(int process, I input, O output, long callTime, long returnTime) {
    public Op {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(output, "output");
        if (returnTime < callTime) {
            throw new IllegalArgumentException("op returns (" + returnTime + ") before its call (" + callTime + ")");
        }
    }

    public Op<I, O> withOutput(O newOutput, long newReturnTime) {
        return new Op<>(process, input, newOutput, callTime, newReturnTime);
    }

    @Override
    public String toString() {
        String returned = returnTime == Long.MAX_VALUE ? "end" : Long.toString(returnTime);
        return "[" + callTime + ".." + returned + "] process " + process + ": " + input + " -> " + output;
    }
}
