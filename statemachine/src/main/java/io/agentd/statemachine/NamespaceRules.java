package io.agentd.statemachine;

import io.agentd.statemachine.command.Command.CreateNamespace;
import io.agentd.statemachine.command.Command.SetQuota;
import io.agentd.statemachine.command.Reply;
import io.agentd.statemachine.model.EventType;
import io.agentd.statemachine.model.Namespace;

/** Namespaces and their quotas. */
final class NamespaceRules {
    private NamespaceRules() {
    }

    static Reply create(Tx tx, CreateNamespace c) {
        Names.namespace(c.name());
        Namespace existing = tx.state.namespace(c.name());
        if (existing != null) {
            if (existing.quota().equals(c.quota())) {
                return Reply.ok(tx.revision, false, existing);
            }
            throw new Rejection(ErrorCode.ALREADY_EXISTS, "namespace " + c.name() + " already exists with another quota");
        }
        Namespace n = new Namespace(c.name(), c.quota(), tx.revision, tx.revision);
        tx.state.putNamespace(n);
        tx.event(EventType.NAMESPACE_CREATED, n.name(), null, null, null);
        return Reply.ok(tx.revision, true, n);
    }

    static Reply setQuota(Tx tx, SetQuota c) {
        Namespace n = require(tx.state, c.namespace());
        Namespace updated = n.withQuota(c.quota(), tx.revision);
        tx.state.putNamespace(updated);
        tx.event(EventType.QUOTA_SET, n.name(), null, null, describe(c.quota()));
        return Reply.ok(tx.revision, false, updated);
    }

    static Namespace require(ClusterState state, String name) {
        Names.namespace(name);
        Namespace n = state.namespace(name);
        if (n == null) {
            throw Rejection.notFound("namespace " + name + " not found");
        }
        return n;
    }

    private static String describe(io.agentd.statemachine.model.Quota q) {
        return "maxAgents=" + (q.maxAgents() == null ? "unlimited" : q.maxAgents())
                + " maxSlots=" + (q.maxSlots() == null ? "unlimited" : q.maxSlots());
    }
}
