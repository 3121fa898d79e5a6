package io.agentd.statemachine;

import io.agentd.statemachine.model.Agent;
import io.agentd.statemachine.model.AgentKey;
import io.agentd.statemachine.model.AgentState;
import io.agentd.statemachine.model.DesiredState;
import io.agentd.statemachine.model.EventType;
import io.agentd.statemachine.model.Worker;
import io.agentd.statemachine.model.WorkerState;

import java.util.ArrayList;
import java.util.List;

/**
 * Deterministic placement: among ready workers whose labels satisfy the agent's
 * constraints and that have the free slots, bin-pack (fewest free slots left wins),
 * ties broken by worker id. Workers are visited in id order, so every replica picks
 * the same one.
 */
final class Placement {
    /** Pending agents examined per command at most, so one command's work stays bounded. */
    static final int MAX_PENDING_SCAN = 10_000;

    private Placement() {
    }

    /** The chosen worker, or null with the reason in {@code why[0]}. */
    static Worker choose(ClusterState state, Agent agent, String[] why) {
        return choose(state, agent, why, null, null);
    }

    /**
     * As {@link #choose(ClusterState, Agent, String[])}, never picking {@code exclude}, and
     * picking {@code prefer} whenever it qualifies (a migration's requested target).
     */
    static Worker choose(ClusterState state, Agent agent, String[] why, String exclude, String prefer) {
        if (prefer != null) {
            Worker p = state.worker(prefer);
            if (p != null && !p.id().equals(exclude) && p.state() == WorkerState.READY && agent.spec().fits(p.labels())
                    && p.capacitySlots() - state.usedSlots(p.id()) >= agent.spec().slots()) {
                return p;
            }
        }
        Worker best = null;
        int bestFree = Integer.MAX_VALUE;
        int ready = 0;
        int matching = 0;
        for (Worker w : state.workers()) {
            if (w.state() != WorkerState.READY || w.id().equals(exclude)) {
                continue;
            }
            ready++;
            if (!agent.spec().fits(w.labels())) {
                continue;
            }
            matching++;
            int free = w.capacitySlots() - state.usedSlots(w.id());
            if (free < agent.spec().slots()) {
                continue;
            }
            int left = free - agent.spec().slots();
            if (left < bestFree) { // strict: the lower id wins ties, workers come in id order
                best = w;
                bestFree = left;
            }
        }
        if (best == null) {
            if (ready == 0) {
                why[0] = "no ready worker";
            } else if (matching == 0) {
                why[0] = "no ready worker matches constraints " + agent.spec().constraints();
            } else {
                why[0] = "no ready worker with " + agent.spec().slots() + " free slot(s)";
            }
        }
        return best;
    }

    /** Tries to place a pending agent now; returns the agent as stored afterwards. */
    static Agent tryPlace(Tx tx, Agent agent) {
        return tryPlace(tx, agent, null, null);
    }

    static Agent tryPlace(Tx tx, Agent agent, String exclude, String prefer) {
        Agent after = placed(tx, agent, exclude, prefer);
        if (after != agent) {
            tx.state.putAgent(after);
            announce(tx, after);
        }
        return after;
    }

    /**
     * What placing an unassigned agent now makes of it, not yet stored: assigned to the chosen
     * worker (starting), or pending with the reason; the same instance when nothing changes.
     */
    static Agent placed(Tx tx, Agent agent, String exclude, String prefer) {
        String[] why = new String[1];
        Worker w = choose(tx.state, agent, why, exclude, prefer);
        if (w == null) {
            return why[0].equals(agent.pendingReason()) ? agent
                    : agent.with(agent.desired(), AgentState.PENDING, null, 0, why[0], agent.exitCode(), tx.revision,
                    tx.time);
        }
        return agent.with(agent.desired(), AgentState.STARTING, w.id(), tx.revision, null, agent.exitCode(),
                tx.revision, tx.time);
    }

    /** The event of an assignment that {@link #placed} made, once the agent is stored. */
    static void announce(Tx tx, Agent placed) {
        if (placed.assigned()) {
            tx.event(EventType.AGENT_ASSIGNED, placed.namespace(), placed.name(), placed.worker(),
                    "placed on " + placed.worker() + " with token " + tx.revision);
        }
    }

    /** Places waiting agents, oldest first, while any ready worker has free slots. */
    static void placePending(Tx tx) {
        if (tx.state.pendingCount() == 0 || !anyFreeSlot(tx.state)) {
            return;
        }
        List<AgentKey> queue = new ArrayList<>();
        for (AgentKey k : tx.state.pendingQueue()) {
            queue.add(k);
            if (queue.size() >= MAX_PENDING_SCAN) {
                break;
            }
        }
        for (AgentKey k : queue) {
            Agent a = tx.state.agent(k);
            if (a != null && a.state() == AgentState.PENDING && a.desired() == DesiredState.RUNNING) {
                tryPlace(tx, a);
                if (!anyFreeSlot(tx.state)) {
                    return;
                }
            }
        }
    }

    private static boolean anyFreeSlot(ClusterState state) {
        for (Worker w : state.workers()) {
            if (w.state() == WorkerState.READY && w.capacitySlots() > state.usedSlots(w.id())) {
                return true;
            }
        }
        return false;
    }
}
