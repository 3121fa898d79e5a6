package io.agentd.statemachine;

import io.agentd.statemachine.codec.EntityCodec;
import io.agentd.statemachine.model.AuditRecord;
import io.agentd.statemachine.store.ChangeSet;
import io.agentd.statemachine.store.Table;

/**
 * The audit trail: one record per applied command, rejected ones included, numbered from 1; the
 * oldest is dropped as each record beyond the retention comes. Write-only here: the records are
 * read from the store.
 */
final class AuditLog {
    /** Audit records kept by default. */
    static final long RETENTION = 100_000;

    private final long retention;
    /** Number of records ever written: the number of the last one. */
    private long seq;

    AuditLog() {
        this(RETENTION);
    }

    AuditLog(long retention) {
        if (retention < 1) {
            throw new IllegalArgumentException("retention must be at least 1, got " + retention);
        }
        this.retention = retention;
    }

    /** Records the next record, and the deletion of the one that falls out of the retention, in {@code changes}. */
    void append(AuditRecord a, ChangeSet changes) {
        long n = ++seq;
        changes.put(Table.AUDIT, Keys.revision(n), EntityCodec.audit(a));
        if (n > retention) {
            changes.delete(Table.AUDIT, Keys.revision(n - retention));
        }
    }

    /** Number of records ever written. */
    long seq() {
        return seq;
    }

    /** Continues a trail of {@code written} records (a load: the count is stored with the state's counters). */
    void restore(long written) {
        seq = written;
    }
}
