package io.agentd.jepsen.model;

import java.util.Objects;

/** An operation on one register of a keyed register store (a single register uses one key). */
public sealed interface RegisterInput {
    String key();

    record Read(String key) implements RegisterInput {
        public Read {
            Objects.requireNonNull(key, "key");
        }

        @Override
        public String toString() {
            return "read " + key;
        }
    }

    record Write(String key, RegisterValue value) implements RegisterInput {
        public Write {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }

        @Override
        public String toString() {
            return "write " + key + " " + value;
        }
    }

    /** Compare-and-set: if the register holds {@code expected}, it becomes {@code replacement}. */
    record Cas(String key, RegisterValue expected, RegisterValue replacement) implements RegisterInput {
        public Cas {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(expected, "expected");
            Objects.requireNonNull(replacement, "replacement");
        }

        @Override
        public String toString() {
            return "cas " + key + " " + expected + "->" + replacement;
        }
    }
}
