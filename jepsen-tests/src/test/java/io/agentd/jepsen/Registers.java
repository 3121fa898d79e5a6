package io.agentd.jepsen;

import io.agentd.jepsen.history.Op;
import io.agentd.jepsen.model.RegisterInput;
import io.agentd.jepsen.model.RegisterOutput;
import io.agentd.jepsen.model.RegisterValue;

/** Terse register ops for hand-written histories: key "k" unless given, times as given. */
public final class Registers {
    public static final long END = Long.MAX_VALUE;

    private Registers() {
    }

    public static RegisterValue v(int value) {
        return RegisterValue.of(value);
    }

    public static Op<RegisterInput, RegisterOutput> read(int process, long call, long ret, RegisterValue value) {
        return read("k", process, call, ret, value);
    }

    public static Op<RegisterInput, RegisterOutput> read(String key, int process, long call, long ret, RegisterValue value) {
        return new Op<>(process, new RegisterInput.Read(key), RegisterOutput.read(value), call, ret);
    }

    public static Op<RegisterInput, RegisterOutput> readUnknown(int process, long call, long ret) {
        return new Op<>(process, new RegisterInput.Read("k"), RegisterOutput.Unknown.UNKNOWN, call, ret);
    }

    public static Op<RegisterInput, RegisterOutput> write(int process, long call, long ret, int value) {
        return write("k", process, call, ret, value);
    }

    public static Op<RegisterInput, RegisterOutput> write(String key, int process, long call, long ret, int value) {
        return new Op<>(process, new RegisterInput.Write(key, v(value)), RegisterOutput.Done.OK, call, ret);
    }

    /** A write that timed out: its return is the end of the history. */
    public static Op<RegisterInput, RegisterOutput> writeUnknown(int process, long call, int value) {
        return new Op<>(process, new RegisterInput.Write("k", v(value)), RegisterOutput.Unknown.UNKNOWN, call, END);
    }

    public static Op<RegisterInput, RegisterOutput> cas(int process, long call, long ret, int from, int to,
                                                        RegisterOutput output) {
        return new Op<>(process, new RegisterInput.Cas("k", v(from), v(to)), output, call, ret);
    }

    public static RegisterOutput ok() {
        return RegisterOutput.Done.OK;
    }

    public static RegisterOutput mismatch() {
        return RegisterOutput.CasMismatch.MISMATCH;
    }

    public static RegisterOutput unknown() {
        return RegisterOutput.Unknown.UNKNOWN;
    }
}
