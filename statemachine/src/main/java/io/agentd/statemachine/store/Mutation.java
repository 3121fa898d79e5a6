package io.agentd.statemachine.store;

import java.util.Objects;

/**
 * One key written or deleted in one table. A {@code null} value deletes the key.
 * The arrays are owned by the mutation once built: callers must not change them.
 */
public record Mutation(Table table, byte[] key, byte[] value) {
    public Mutation {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(key, "key");
    }

    public boolean isDelete() {
        return value == null;
    }
}
