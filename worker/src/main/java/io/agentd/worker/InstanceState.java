package io.agentd.worker;

/**
 * Where one assignment on this worker stands. An instance leaves the {@link Supervisor}'s table
 * when it ends (reported stopped or failed), when its assignment moves on (stale) or when it is
 * fenced; a process it still has is stopped then, and its exit is not acted on again.
 */
enum InstanceState {
    /** Assigned here, not started yet. */
    ASSIGNED,
    /** Assigned here; the checkpoint handed over with it is being fetched before the first start. */
    FETCHING_CHECKPOINT,
    /** Not started (or restarted) yet: the lease leaves too little time; a retry is scheduled. */
    WAITING_FOR_LEASE,
    /** Its process exited and its restart policy restarts it after a backoff (scheduled). */
    BACKING_OFF,
    /** Its process runs (or is being started). */
    RUNNING,
    /** Asked to stop: it is being stopped, or its assignment moved on. Not restarted. */
    STOPPING,
    /** Stopped by self-fencing: its assignment may live on elsewhere, so its end is not reported. */
    FENCED;

    /** A retry or restart is scheduled for it. */
    boolean awaitsStart() {
        return this == WAITING_FOR_LEASE || this == BACKING_OFF;
    }

    /** Being stopped, by a stop or by fencing. */
    boolean stopping() {
        return this == STOPPING || this == FENCED;
    }
}
