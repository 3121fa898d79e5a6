package io.agentd.statemachine;

import io.agentd.statemachine.command.Command.RegisterWorker;
import io.agentd.statemachine.command.Reply;
import io.agentd.statemachine.model.EventType;
import io.agentd.statemachine.model.Worker;
import io.agentd.statemachine.model.WorkerState;

/** Worker registration. Liveness (leases) and drain come with the worker daemon. */
final class WorkerRules {
    private WorkerRules() {
    }

    static Reply register(Tx tx, RegisterWorker c) {
        Names.workerId("id", c.id());
        Names.text("address", c.address(), true);
        if (c.zone() != null && !c.zone().isEmpty()) {
            Names.dnsLabel("zone", c.zone());
        }
        Names.labels("labels", c.labels());
        if (c.capacitySlots() < 0 || c.capacitySlots() > 1_000_000) {
            throw Rejection.invalid("capacitySlots must be between 0 and 1000000, got " + c.capacitySlots());
        }
        Worker old = tx.state.worker(c.id());
        String zone = c.zone() == null ? "" : c.zone();
        Worker w = new Worker(c.id(), c.address(), zone, c.labels(), c.capacitySlots(), WorkerState.READY,
                old == null ? tx.revision : old.registerRevision(), tx.revision);
        tx.state.putWorker(w);
        tx.event(EventType.WORKER_REGISTERED, null, null, w.id(), "capacity " + w.capacitySlots() + " slots");
        Placement.placePending(tx);
        return Reply.ok(tx.revision, old == null, tx.state.worker(c.id()));
    }
}
