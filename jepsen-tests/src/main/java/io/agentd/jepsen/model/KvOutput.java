package io.agentd.jepsen.model;

import java.util.Objects;

/** What a key-value operation answered. */
public sealed interface KvOutput {
    /** A get's value. */
    record Value(String value) implements KvOutput {
        public Value {
            Objects.requireNonNull(value, "value");
        }

        @Override
        public String toString() {
            return "\"" + value + "\"";
        }
    }

    /** A put or append completed. */
    enum Done implements KvOutput {
        OK;

        @Override
        public String toString() {
            return "ok";
        }
    }

    /** No answer: any outcome is accepted. */
    enum Unknown implements KvOutput {
        UNKNOWN;

        @Override
        public String toString() {
            return "unknown";
        }
    }
}
