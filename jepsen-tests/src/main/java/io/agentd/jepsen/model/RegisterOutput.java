package io.agentd.jepsen.model;

import java.util.Objects;

/** What a register operation answered. */
public sealed interface RegisterOutput {
    /** A read's value. */
    record ReadValue(RegisterValue value) implements RegisterOutput {
        public ReadValue {
            Objects.requireNonNull(value, "value");
        }

        @Override
        public String toString() {
            return value.toString();
        }
    }

    /** A write, or a compare-and-set that matched and wrote. */
    enum Done implements RegisterOutput {
        OK;

        @Override
        public String toString() {
            return "ok";
        }
    }

    /** A compare-and-set whose expected value did not match, so it changed nothing. */
    enum CasMismatch implements RegisterOutput {
        MISMATCH;

        @Override
        public String toString() {
            return "mismatch";
        }
    }

    /** No answer (timed out): any outcome the operation could have had is accepted. */
    enum Unknown implements RegisterOutput {
        UNKNOWN;

        @Override
        public String toString() {
            return "unknown";
        }
    }

    static RegisterOutput read(RegisterValue value) {
        return new ReadValue(value);
    }
}
