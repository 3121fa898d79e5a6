package io.agentd.statemachine.store;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The writes one applied log entry makes, in order. Storage writes a change set and the
 * entry's applied index in one atomic batch. Not thread-safe: built by the apply thread.
 */
public final class ChangeSet {
    private final List<Mutation> mutations = new ArrayList<>();

    public void put(Table table, byte[] key, byte[] value) {
        mutations.add(new Mutation(table, key, java.util.Objects.requireNonNull(value, "value")));
    }

    public void delete(Table table, byte[] key) {
        mutations.add(new Mutation(table, key, null));
    }

    public List<Mutation> mutations() {
        return Collections.unmodifiableList(mutations);
    }

    public boolean isEmpty() {
        return mutations.isEmpty();
    }

    public int size() {
        return mutations.size();
    }

    public void clear() {
        mutations.clear();
    }
}
