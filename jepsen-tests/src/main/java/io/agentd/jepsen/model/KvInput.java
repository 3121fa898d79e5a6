package io.agentd.jepsen.model;

import java.util.Objects;

/** An operation on a string key-value store. */
public sealed interface KvInput {
    String key();

    record Get(String key) implements KvInput {
        public Get {
            Objects.requireNonNull(key, "key");
        }

        @Override
        public String toString() {
            return "get " + key;
        }
    }

    record Put(String key, String value) implements KvInput {
        public Put {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }

        @Override
        public String toString() {
            return "put " + key + " \"" + value + "\"";
        }
    }

    record Append(String key, String value) implements KvInput {
        public Append {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }

        @Override
        public String toString() {
            return "append " + key + " \"" + value + "\"";
        }
    }
}
