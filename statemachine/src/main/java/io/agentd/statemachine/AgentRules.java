package io.agentd.statemachine;

import io.agentd.statemachine.command.Command.DeleteAgent;
import io.agentd.statemachine.command.Command.ReportStatus;
import io.agentd.statemachine.command.Command.SetMetadata;
import io.agentd.statemachine.command.Command.SpawnAgent;
import io.agentd.statemachine.command.Command.StopAgent;
import io.agentd.statemachine.command.Reply;
import io.agentd.statemachine.model.Agent;
import io.agentd.statemachine.model.AgentState;
import io.agentd.statemachine.model.DesiredState;
import io.agentd.statemachine.model.EventType;
import io.agentd.statemachine.model.MetadataEntry;
import io.agentd.statemachine.model.MetadataResult;
import io.agentd.statemachine.model.Namespace;

import java.util.Collections;
import java.util.TreeMap;

/** The agent lifecycle: spawn, stop, delete, metadata compare-and-set, worker reports. */
final class AgentRules {
    /** Metadata keys per agent at most. */
    static final int MAX_METADATA_KEYS = 256;

    private AgentRules() {
    }

    static Reply spawn(Tx tx, SpawnAgent c) {
        Namespace ns = NamespaceRules.require(tx.state, c.namespace());
        Names.agentName(c.name());
        Agent existing = tx.state.agent(c.namespace(), c.name());
        if (existing != null) {
            if (existing.spec().equals(c.spec()) && existing.desired() != DesiredState.DELETED) {
                return Reply.ok(tx.revision, false, existing);
            }
            throw new Rejection(ErrorCode.ALREADY_EXISTS, "agent " + c.namespace() + "/" + c.name()
                    + (existing.desired() == DesiredState.DELETED ? " is being deleted" : " already exists with another spec"));
        }
        long[] usage = tx.state.usage(ns.name());
        Long maxAgents = ns.quota().maxAgents();
        if (maxAgents != null && usage[0] + 1 > maxAgents) {
            throw new Rejection(ErrorCode.QUOTA_EXCEEDED, "namespace " + ns.name() + " has " + usage[0]
                    + " agents and a quota of " + maxAgents);
        }
        Long maxSlots = ns.quota().maxSlots();
        if (maxSlots != null && usage[1] + c.spec().slots() > maxSlots) {
            throw new Rejection(ErrorCode.QUOTA_EXCEEDED, "namespace " + ns.name() + " uses " + usage[1]
                    + " slots; " + c.spec().slots() + " more exceeds its quota of " + maxSlots);
        }
        Agent a = new Agent(c.namespace(), c.name(), tx.revision, c.spec(), DesiredState.RUNNING, AgentState.PENDING,
                null, 0, null, null, 0, Collections.emptySortedMap(), tx.revision, tx.revision, tx.time, tx.time, null, null, 0,
                0, 0, 0, java.util.List.of(), null);
        // Placed before it is stored (an unassigned agent takes no worker's slots, so the choice is
        // the same), so a spawn stores and encodes the agent once, not twice.
        a = Placement.placed(tx, a, null, null);
        tx.state.putAgent(a);
        tx.event(EventType.AGENT_SPAWNED, a.namespace(), a.name(), null, null);
        Placement.announce(tx, a);
        return Reply.ok(tx.revision, true, a);
    }

    static Reply stop(Tx tx, StopAgent c) {
        Agent a = require(tx.state, c.namespace(), c.name());
        if (a.desired() != DesiredState.RUNNING) {
            return Reply.ok(tx.revision, false, a); // already stopping, stopped or being deleted
        }
        Agent stopped = a.assigned() && a.state().onWorker()
                ? a.with(DesiredState.STOPPED, AgentState.STOPPING, a.worker(), a.fencingToken(), null, a.exitCode(),
                tx.revision, tx.time)
                : a.with(DesiredState.STOPPED, finalState(a), null, 0, null, a.exitCode(), tx.revision, tx.time);
        tx.state.putAgent(stopped);
        tx.event(EventType.AGENT_STOPPED, a.namespace(), a.name(), a.worker(), stopped.state().word());
        return Reply.ok(tx.revision, false, stopped);
    }

    /**
     * Feature level 2: a stopped or failed agent runs again, with its spec, metadata, checkpoint
     * and history kept, on any fitting worker (placed now or queued as pending). It counts
     * against the namespace's slot quota again. Starting an agent that should run and has not
     * failed changes nothing.
     */
    static Reply start(Tx tx, io.agentd.statemachine.command.Command.StartAgent c) {
        if (tx.state.featureLevel() < 2) {
            throw FeatureLevel.needs(2, tx.state.featureLevel(), "starting a stopped agent");
        }
        Agent a = require(tx.state, c.namespace(), c.name());
        if (a.desired() == DesiredState.RUNNING && a.state() != AgentState.FAILED) {
            return Reply.ok(tx.revision, false, a);
        }
        if (a.desired() == DesiredState.DELETED) {
            throw new Rejection(ErrorCode.FAILED_PRECONDITION, "agent " + a.key() + " is being deleted");
        }
        if (a.assigned()) {
            throw new Rejection(ErrorCode.FAILED_PRECONDITION, "agent " + a.key() + " is still " + a.state().word()
                    + " on " + a.worker() + ": start it once it has stopped");
        }
        Namespace ns = NamespaceRules.require(tx.state, a.namespace());
        Long maxSlots = ns.quota().maxSlots();
        long used = tx.state.usage(ns.name())[1];
        if (maxSlots != null && used + a.spec().slots() > maxSlots) {
            throw new Rejection(ErrorCode.QUOTA_EXCEEDED, "namespace " + ns.name() + " uses " + used
                    + " slots; " + a.spec().slots() + " more exceeds its quota of " + maxSlots);
        }
        Agent pending = a.with(DesiredState.RUNNING, AgentState.PENDING, null, 0, "started again", null,
                tx.revision, tx.time);
        tx.state.putAgent(pending);
        tx.event(EventType.AGENT_STATE_CHANGED, a.namespace(), a.name(), null, "started again");
        Agent placed = Placement.tryPlace(tx, pending);
        return Reply.ok(tx.revision, false, placed);
    }

    static Reply delete(Tx tx, DeleteAgent c) {
        Agent a = require(tx.state, c.namespace(), c.name());
        if (a.assigned() && a.state().onWorker()) {
            Agent deleting = a.with(DesiredState.DELETED, AgentState.STOPPING, a.worker(), a.fencingToken(), null,
                    a.exitCode(), tx.revision, tx.time);
            tx.state.putAgent(deleting);
            tx.event(EventType.AGENT_STOPPED, a.namespace(), a.name(), a.worker(), "stopping to delete");
            return Reply.ok(tx.revision, false, deleting);
        }
        tx.state.removeAgent(a.key());
        tx.event(EventType.AGENT_DELETED, a.namespace(), a.name(), null, null);
        Placement.placePending(tx);
        return Reply.ok(tx.revision, false, a);
    }

    static Reply setMetadata(Tx tx, SetMetadata c) {
        Agent a = require(tx.state, c.namespace(), c.name());
        Names.metadataKey(c.key());
        Names.metadataValue(c.value());
        MetadataEntry current = a.metadata().get(c.key());
        if (c.ifVersion() != null) {
            long have = current == null ? 0 : current.version();
            if (c.ifVersion() < 0) {
                throw Rejection.invalid("ifVersion must be >= 0, got " + c.ifVersion());
            }
            if (have != c.ifVersion()) {
                throw new Rejection(ErrorCode.VERSION_MISMATCH, "metadata " + c.key() + " of " + a.key()
                        + " is at version " + have + ", not " + c.ifVersion());
            }
        }
        if (current == null && a.metadata().size() >= MAX_METADATA_KEYS) {
            throw Rejection.invalid("agent " + a.key() + " already has " + MAX_METADATA_KEYS + " metadata keys");
        }
        TreeMap<String, MetadataEntry> md = new TreeMap<>(a.metadata());
        md.put(c.key(), new MetadataEntry(c.value(), tx.revision));
        tx.state.putAgent(a.withMetadata(Collections.unmodifiableSortedMap(md), tx.revision, tx.time));
        tx.event(EventType.METADATA_SET, a.namespace(), a.name(), null, c.key());
        return Reply.ok(tx.revision, false, new MetadataResult(c.key(), c.value(), tx.revision));
    }

    static Reply report(Tx tx, ReportStatus c) {
        Agent a = require(tx.state, c.namespace(), c.name());
        if (!a.assigned() || a.fencingToken() != c.fencingToken()) {
            throw new Rejection(ErrorCode.FAILED_PRECONDITION, "stale fencing token " + c.fencingToken() + " for "
                    + a.key() + (a.assigned() ? " (current " + a.fencingToken() + ")" : " (not assigned)"));
        }
        if (a.state() == AgentState.MIGRATING && a.desired() == DesiredState.RUNNING
                && (c.state() == AgentState.STOPPED || c.state() == AgentState.FAILED)) {
            return finishMigration(tx, a);
        }
        if (c.restarts() < 0) {
            throw Rejection.invalid("restarts must be >= 0, got " + c.restarts());
        }
        Agent counted = a.withRestarts(c.restarts());
        Integer lastExit = c.exitCode() != null ? c.exitCode() : a.exitCode();
        Agent next = switch (c.state()) {
            case STARTING, RUNNING -> {
                if (a.state() != AgentState.STARTING && a.state() != AgentState.RUNNING) {
                    yield a; // a stop is under way: the worker will act on it
                }
                if (a.state() == c.state() && counted.restarts() == a.restarts()
                        && java.util.Objects.equals(lastExit, a.exitCode())) {
                    yield a; // nothing new
                }
                yield counted.with(a.desired(), c.state(), a.worker(), a.fencingToken(), null, lastExit,
                        tx.revision, tx.time);
            }
            case STOPPED, FAILED -> counted.with(a.desired(),
                    c.state() == AgentState.FAILED ? AgentState.FAILED : AgentState.STOPPED, null, 0,
                    null, c.exitCode(), tx.revision, tx.time);
            default -> throw Rejection.invalid("state must be one of starting, running, stopped, failed; got "
                    + c.state().word());
        };
        if (next == a) {
            return Reply.ok(tx.revision, false, a);
        }
        if (next.desired() == DesiredState.DELETED && !next.assigned()) {
            tx.state.removeAgent(a.key());
            tx.event(EventType.AGENT_DELETED, a.namespace(), a.name(), a.worker(), null);
        } else {
            tx.state.putAgent(next);
            tx.event(EventType.AGENT_STATE_CHANGED, a.namespace(), a.name(), a.worker(),
                    next.state().word() + (c.exitCode() == null ? "" : " exit " + c.exitCode()));
        }
        if (!next.assigned()) {
            WorkerRules.continueDrain(tx, a.worker());
            Placement.placePending(tx);
        }
        return Reply.ok(tx.revision, false, next);
    }

    /**
     * Places a failed agent again, on another worker when one qualifies, else on any. The
     * leader decided it after a backoff; it applies only to the agent as the leader saw it.
     */
    static Reply reschedule(Tx tx, io.agentd.statemachine.command.Command.RescheduleAgent c) {
        Agent a = require(tx.state, c.namespace(), c.name());
        if (c.attempt() < 1) {
            throw Rejection.invalid("attempt must be >= 1, got " + c.attempt());
        }
        if (a.revision() != c.ifRevision()) {
            throw new Rejection(ErrorCode.FAILED_PRECONDITION, "agent " + a.key() + " changed (revision "
                    + a.revision() + ", not " + c.ifRevision() + ") since its reschedule was decided");
        }
        if (a.state() != AgentState.FAILED || a.desired() != DesiredState.RUNNING || a.assigned()) {
            throw new Rejection(ErrorCode.FAILED_PRECONDITION, "agent " + a.key() + " is " + a.state().word()
                    + ": only a failed agent that should run can be rescheduled");
        }
        String last = a.lastWorker();
        Agent pending = a.rescheduled(c.attempt(), tx.time).with(DesiredState.RUNNING, AgentState.PENDING, null, 0,
                "rescheduling after a failure" + (last == null ? "" : " on " + last) + " (attempt " + c.attempt() + ")",
                a.exitCode(), tx.revision, tx.time);
        tx.state.putAgent(pending);
        tx.event(EventType.AGENT_STATE_CHANGED, a.namespace(), a.name(), last, "rescheduling (attempt "
                + c.attempt() + ")");
        Agent placed = Placement.tryPlace(tx, pending, last, null);
        if (!placed.assigned() && last != null) {
            placed = Placement.tryPlace(tx, placed); // no other worker qualifies: the same one may
        }
        return Reply.ok(tx.revision, false, placed);
    }

    /** Phase two: the old instance has stopped (its checkpoint is saved); place the new one. */
    private static Reply finishMigration(Tx tx, Agent a) {
        String old = a.worker();
        String target = a.migrateTo();
        Agent released = a.with(DesiredState.RUNNING, AgentState.PENDING, null, 0, "migrating off " + old, null,
                tx.revision, tx.time);
        tx.state.putAgent(released);
        tx.event(EventType.AGENT_STATE_CHANGED, a.namespace(), a.name(), old, "stopped on " + old + " to migrate");
        Agent placed = Placement.tryPlace(tx, released, old, target);
        WorkerRules.continueDrain(tx, old);
        Placement.placePending(tx);
        return Reply.ok(tx.revision, false, tx.state.agent(placed.key()));
    }

    static Reply migrate(Tx tx, io.agentd.statemachine.command.Command.MigrateAgent c) {
        Agent a = require(tx.state, c.namespace(), c.name());
        if (c.to() != null) {
            io.agentd.statemachine.model.Worker t = WorkerRules.require(tx.state, c.to());
            if (t.state() != io.agentd.statemachine.model.WorkerState.READY) {
                throw new Rejection(ErrorCode.FAILED_PRECONDITION, "worker " + t.id() + " is " + t.state().word()
                        + ", not ready");
            }
            if (t.id().equals(a.worker())) {
                throw new Rejection(ErrorCode.FAILED_PRECONDITION, "agent " + a.key() + " already runs on " + t.id());
            }
            if (!a.spec().fits(t.labels())) {
                throw new Rejection(ErrorCode.FAILED_PRECONDITION, "worker " + t.id() + " does not match constraints "
                        + a.spec().constraints());
            }
        }
        if (a.state() == AgentState.MIGRATING) {
            return Reply.ok(tx.revision, false, a);
        }
        if (a.desired() != DesiredState.RUNNING || !(a.state() == AgentState.STARTING || a.state() == AgentState.RUNNING)) {
            throw new Rejection(ErrorCode.FAILED_PRECONDITION, "agent " + a.key() + " is " + a.state().word()
                    + ": only a starting or running agent can migrate");
        }
        Agent m = a.migrating(c.to(), tx.revision, tx.time);
        tx.state.putAgent(m);
        tx.event(EventType.AGENT_STATE_CHANGED, a.namespace(), a.name(), a.worker(),
                "migrating off " + a.worker() + (c.to() == null ? "" : " to " + c.to()));
        return Reply.ok(tx.revision, false, m);
    }

    /**
     * Records what the current instance says about itself. Unchanged reports change nothing; an
     * event marks a change of status word only (progress changes too often to be news).
     */
    static Reply reportHealth(Tx tx, io.agentd.statemachine.command.Command.ReportHealth c) {
        Agent a = require(tx.state, c.namespace(), c.name());
        Names.healthStatus(c.status());
        Names.healthProgress(c.progress());
        if (!a.assigned() || a.fencingToken() != c.fencingToken()) {
            throw new Rejection(ErrorCode.FAILED_PRECONDITION, "stale fencing token " + c.fencingToken() + " for "
                    + a.key() + (a.assigned() ? " (current " + a.fencingToken() + ")" : " (not assigned)"));
        }
        io.agentd.statemachine.model.Health old = a.health();
        if (old != null && old.status().equals(c.status()) && old.progress().equals(c.progress())) {
            return Reply.ok(tx.revision, false, a);
        }
        Agent next = a.withHealth(new io.agentd.statemachine.model.Health(c.status(), c.progress(), tx.time),
                tx.revision, tx.time);
        tx.state.putAgent(next);
        if (old == null || !old.status().equals(c.status())) {
            tx.event(EventType.AGENT_STATE_CHANGED, a.namespace(), a.name(), a.worker(), "health " + c.status());
        }
        return Reply.ok(tx.revision, false, next);
    }

    static Reply putCheckpoint(Tx tx, io.agentd.statemachine.command.Command.PutCheckpoint c) {
        Agent a = require(tx.state, c.namespace(), c.name());
        Names.checkpoint(c.data());
        if (!a.assigned() || a.fencingToken() != c.fencingToken()) {
            throw new Rejection(ErrorCode.FAILED_PRECONDITION, "stale fencing token " + c.fencingToken() + " for "
                    + a.key() + (a.assigned() ? " (current " + a.fencingToken() + ")" : " (not assigned)"));
        }
        Agent saved = a.withCheckpoint(c.data(), tx.revision, tx.time);
        tx.state.putAgent(saved);
        tx.event(EventType.CHECKPOINT_SAVED, a.namespace(), a.name(), a.worker(), c.data().length() + " characters");
        return Reply.ok(tx.revision, false, saved);
    }

    static Agent require(io.agentd.statemachine.ClusterState state, String namespace, String name) {
        Names.namespace(namespace);
        Names.agentName(name);
        Agent a = state.agent(namespace, name);
        if (a == null) {
            throw Rejection.notFound("agent " + namespace + "/" + name + " not found");
        }
        return a;
    }

    private static AgentState finalState(Agent a) {
        return a.state() == AgentState.FAILED ? AgentState.FAILED : AgentState.STOPPED;
    }
}
