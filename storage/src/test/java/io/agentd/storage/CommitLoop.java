package io.agentd.storage;

import io.agentd.statemachine.store.AppliedIndex;
import io.agentd.statemachine.store.ChangeSet;
import io.agentd.statemachine.store.Table;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Child process of {@link KillNineTest}: commits change set after change set into the store
 * at {@code args[0]} and prints each applied index once its commit has returned. Stops by
 * itself after a minute in case nobody kills it.
 */
public final class CommitLoop {
    /** Bytes of filler per change set, so a kill is likely to land inside a write. */
    static final int FILLER = 4096;

    private CommitLoop() {}

    public static void main(String[] args) {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        try (RocksStore store = RocksStore.open(Path.of(args[0]))) {
            for (long i = store.applied().index() + 1; System.nanoTime() < deadline; i++) {
                store.commit(changeSet(i), new AppliedIndex(1, i));
                System.out.println(i);
                System.out.flush();
            }
        }
    }

    /** What change set {@code i} writes: its own key in three tables, and the last index in META. */
    static ChangeSet changeSet(long i) {
        ChangeSet changes = new ChangeSet();
        changes.put(Table.ENTITIES, key(i), value(i));
        changes.put(Table.EVENTS, key(i), new byte[FILLER]);
        changes.put(Table.AUDIT, key(i), value(i));
        changes.put(Table.META, Contents.bytes("last"), key(i));
        return changes;
    }

    /** Big-endian, so keys sort by index. */
    static byte[] key(long i) {
        return ByteBuffer.allocate(Long.BYTES).putLong(i).array();
    }

    static byte[] value(long i) {
        return Contents.bytes("value-" + i);
    }
}
