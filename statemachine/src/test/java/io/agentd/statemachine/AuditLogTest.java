package io.agentd.statemachine;

import io.agentd.statemachine.model.AuditRecord;
import io.agentd.statemachine.store.ChangeSet;
import io.agentd.statemachine.store.Mutation;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.assertj.core.api.Assertions.assertThat;

class AuditLogTest {
    private static final AuditRecord RECORD = new AuditRecord(1, 1_000, "t", "", "", null, "SpawnAgent", "default/a", "OK");

    @Test
    void recordsAreNumberedOnAndTheOneBeyondTheRetentionIsDeleted() {
        AuditLog audit = new AuditLog(2);
        ChangeSet changes = new ChangeSet();
        for (int i = 0; i < 3; i++) {
            audit.append(RECORD, changes);
        }
        assertThat(audit.seq()).isEqualTo(3);
        assertThat(changes.mutations()).extracting(m -> (m.isDelete() ? "delete " : "put ") + number(m))
                .containsExactly("put 1", "put 2", "put 3", "delete 1");
    }

    @Test
    void aRestoredTrailContinuesItsNumbering() {
        AuditLog audit = new AuditLog();
        audit.restore(41);
        ChangeSet changes = new ChangeSet();
        audit.append(RECORD, changes);
        assertThat(number(changes.mutations().get(0))).isEqualTo(42);
    }

    private static long number(Mutation m) {
        return ByteBuffer.wrap(m.key()).getLong();
    }
}
