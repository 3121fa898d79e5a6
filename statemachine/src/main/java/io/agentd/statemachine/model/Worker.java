package io.agentd.statemachine.model;

import java.util.Objects;
import java.util.SortedMap;

public record Worker(String id, String address, String zone, SortedMap<String, String> labels, int capacitySlots,
                     WorkerState state, long registerRevision, long revision) {
    public Worker {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(state, "state");
    }
}
