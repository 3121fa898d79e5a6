package io.agentd.statemachine.model;

import java.util.Objects;
import java.util.SortedMap;

/** A worker; {@code drainParallel} is how many agents may migrate off it at once while draining (0 otherwise). */
public record Worker(String id, String address, String zone, SortedMap<String, String> labels, int capacitySlots,
                     WorkerState state, long registerRevision, long revision, int drainParallel) {
    public Worker {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(state, "state");
    }

    public Worker with(WorkerState s, int parallel, long rev) {
        return new Worker(id, address, zone, labels, capacitySlots, s, registerRevision, rev, parallel);
    }
}
