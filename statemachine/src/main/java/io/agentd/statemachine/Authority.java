package io.agentd.statemachine;

import io.agentd.statemachine.command.Command;
import io.agentd.statemachine.command.Envelope;
import io.agentd.statemachine.model.Agent;
import io.agentd.statemachine.model.Role;
import io.agentd.statemachine.model.Token;

/**
 * What a command's token may do, checked again where it takes effect. The API checks a token
 * when a request arrives; between then and the command's turn in the log the token may be
 * revoked or expire, and an agent may move to another worker. So at apply: a command sent with
 * a token (its envelope names a role) is refused when that token is gone, revoked or expired by
 * the entry's time, and a worker's token may only register, drain and undrain its own worker and
 * report on (status, health, checkpoints) the agents assigned to it: a report that names another
 * worker's current assignment is refused, one with a stale fencing token gets the rule's 409. Commands without a role
 * (authentication off, the leader's own decisions, entries of the first format) pass.
 */
final class Authority {
    private Authority() {
    }

    static void check(ClusterState state, Envelope e) {
        if (e.role().isEmpty()) {
            return;
        }
        Token t = state.token(e.actor());
        if (t == null || t.revoked() || t.expiredAt(state.time())) {
            throw denied(e, "token " + e.actor() + (t == null ? " does not exist" : t.revoked() ? " is revoked"
                    : " has expired"));
        }
        if (t.role() != Role.WORKER) {
            return;
        }
        String own = t.workerId();
        Command c = e.command();
        String worker;
        if (c instanceof Command.RegisterWorker x) {
            worker = x.id();
        } else if (c instanceof Command.DrainWorker x) {
            worker = x.id();
        } else if (c instanceof Command.UndrainWorker x) {
            worker = x.id();
        } else if (c instanceof Command.ReportStatus x) {
            worker = holder(state, x.namespace(), x.name(), x.fencingToken());
        } else if (c instanceof Command.ReportHealth x) {
            worker = holder(state, x.namespace(), x.name(), x.fencingToken());
        } else if (c instanceof Command.PutCheckpoint x) {
            worker = holder(state, x.namespace(), x.name(), x.fencingToken());
        } else {
            throw denied(e, "a worker's token may not " + c.kind());
        }
        if (worker != null && !worker.equals(own)) {
            throw denied(e, "the token of worker " + own + " may not " + c.kind() + " " + c.target()
                    + " (it belongs to worker " + worker + ")");
        }
    }

    /**
     * The worker whose assignment {@code fencingToken} is, when it is the agent's current one;
     * else null: the report would be refused anyway, and the rule's answer (404, or 409 for a
     * stale fencing token, on which a worker fences) is the one the worker must see.
     */
    private static String holder(ClusterState state, String namespace, String name, long fencingToken) {
        Agent a = state.agent(namespace, name);
        return a != null && a.assigned() && a.fencingToken() == fencingToken ? a.worker() : null;
    }

    private static Rejection denied(Envelope e, String why) {
        return new Rejection(ErrorCode.PERMISSION_DENIED, why);
    }
}
