package io.agentd.statemachine;

import io.agentd.statemachine.command.Command;
import io.agentd.statemachine.command.Command.RegisterWorker;
import io.agentd.statemachine.model.Agent;
import io.agentd.statemachine.model.AgentKey;
import io.agentd.statemachine.model.AgentState;
import io.agentd.statemachine.model.DesiredState;

import java.util.ArrayList;
import java.util.List;
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
        Names.capacitySlots(c.capacitySlots());
        Worker old = tx.state.worker(c.id());
        String zone = c.zone() == null ? "" : c.zone();
        // A draining worker stays draining when it registers again (e.g. after a restart).
        boolean draining = old != null && old.state() == WorkerState.DRAINING;
        Worker w = new Worker(c.id(), c.address(), zone, c.labels(), c.capacitySlots(),
                draining ? WorkerState.DRAINING : WorkerState.READY,
                old == null ? tx.revision : old.registerRevision(), tx.revision, draining ? old.drainParallel() : 0);
        tx.state.putWorker(w);
        tx.event(EventType.WORKER_REGISTERED, null, null, w.id(), "capacity " + w.capacitySlots() + " slots");
        Placement.placePending(tx);
        return Reply.ok(tx.revision, old == null, tx.state.worker(c.id()));
    }

    /**
     * Marks a worker down and hands its agents on: those meant to run are placed elsewhere
     * with a new fencing token (this revision) or wait as pending; those being stopped or
     * deleted are done, since the worker's lease has run out and it has fenced itself.
     */
    static Reply expire(Tx tx, Command.ExpireWorker c) {
        Names.workerId("id", c.id());
        Worker w = tx.state.worker(c.id());
        if (w == null) {
            throw Rejection.notFound("worker " + c.id() + " not found");
        }
        if (w.state() == WorkerState.DOWN) {
            return Reply.ok(tx.revision, false, w);
        }
        if (w.revision() != c.ifRevision()) {
            throw new Rejection(ErrorCode.FAILED_PRECONDITION, "worker " + c.id() + " changed (revision "
                    + w.revision() + ", not " + c.ifRevision() + ") since its expiry was decided");
        }
        Worker down = w.with(WorkerState.DOWN, 0, tx.revision);
        tx.state.putWorker(down);
        tx.event(EventType.WORKER_EXPIRED, null, null, w.id(), "no lease renewal for a TTL");
        List<AgentKey> keys = new ArrayList<>(tx.state.agentsOn(w.id()));
        List<Agent> toPlace = new ArrayList<>();
        for (AgentKey k : keys) {
            Agent a = tx.state.agent(k);
            if (a.desired() == DesiredState.DELETED) {
                tx.state.removeAgent(k);
                tx.event(EventType.AGENT_DELETED, a.namespace(), a.name(), w.id(), "its worker expired");
            } else if (a.desired() == DesiredState.STOPPED) {
                tx.state.putAgent(a.with(a.desired(), AgentState.STOPPED, null, 0, null, a.exitCode(), tx.revision,
                        tx.time));
                tx.event(EventType.AGENT_STATE_CHANGED, a.namespace(), a.name(), w.id(), "stopped: its worker expired");
            } else {
                Agent released = a.with(a.desired(), AgentState.PENDING, null, 0, "its worker " + w.id() + " expired",
                        null, tx.revision, tx.time);
                tx.state.putAgent(released);
                tx.event(EventType.AGENT_STATE_CHANGED, a.namespace(), a.name(), w.id(),
                        "pending: its worker expired");
                toPlace.add(released);
            }
        }
        for (Agent a : toPlace) {
            Placement.tryPlace(tx, tx.state.agent(a.key()));
        }
        Placement.placePending(tx);
        return Reply.ok(tx.revision, false, down);
    }

    /** Stops placements on a worker and moves its agents off, {@code maxParallel} at a time. */
    static Reply drain(Tx tx, Command.DrainWorker c) {
        Worker w = require(tx.state, c.id());
        Names.drainParallel(c.maxParallel());
        if (w.state() == WorkerState.DOWN) {
            throw new Rejection(ErrorCode.FAILED_PRECONDITION, "worker " + w.id() + " is down: nothing to drain");
        }
        Worker draining = w.with(WorkerState.DRAINING, c.maxParallel(), tx.revision);
        tx.state.putWorker(draining);
        tx.event(EventType.WORKER_DRAINING, null, null, w.id(), "draining, " + c.maxParallel() + " at a time");
        continueDrain(tx, w.id());
        return Reply.ok(tx.revision, false, tx.state.worker(w.id()));
    }

    static Reply undrain(Tx tx, Command.UndrainWorker c) {
        Worker w = require(tx.state, c.id());
        if (w.state() != WorkerState.DRAINING) {
            return Reply.ok(tx.revision, false, w);
        }
        tx.state.putWorker(w.with(WorkerState.READY, 0, tx.revision));
        tx.event(EventType.WORKER_DRAINING, null, null, w.id(), "ready again");
        Placement.placePending(tx);
        return Reply.ok(tx.revision, false, tx.state.worker(w.id()));
    }

    /** Starts migrations off a draining worker until maxParallel are under way. */
    static void continueDrain(Tx tx, String workerId) {
        Worker w = tx.state.worker(workerId);
        if (w == null || w.state() != WorkerState.DRAINING) {
            return;
        }
        List<AgentKey> keys = new ArrayList<>(tx.state.agentsOn(workerId));
        int underway = 0;
        for (AgentKey k : keys) {
            if (tx.state.agent(k).state() == AgentState.MIGRATING) {
                underway++;
            }
        }
        for (AgentKey k : keys) {
            if (underway >= w.drainParallel()) {
                return;
            }
            Agent a = tx.state.agent(k);
            if (a.desired() == DesiredState.RUNNING
                    && (a.state() == AgentState.STARTING || a.state() == AgentState.RUNNING)) {
                tx.state.putAgent(a.migrating(null, tx.revision, tx.time));
                tx.event(EventType.AGENT_STATE_CHANGED, a.namespace(), a.name(), workerId,
                        "migrating: worker " + workerId + " is draining");
                underway++;
            }
        }
    }

    static Worker require(ClusterState state, String id) {
        Names.workerId("id", id);
        Worker w = state.worker(id);
        if (w == null) {
            throw Rejection.notFound("worker " + id + " not found");
        }
        return w;
    }
}
