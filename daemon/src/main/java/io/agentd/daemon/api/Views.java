package io.agentd.daemon.api;

import io.agentd.client.api.AgentSpecView;
import io.agentd.client.api.AgentView;
import io.agentd.client.api.AuditRecordView;
import io.agentd.client.api.TokenView;
import io.agentd.client.api.EventView;
import io.agentd.client.api.MetadataEntryView;
import io.agentd.client.api.MetadataView;
import io.agentd.client.api.NamespaceView;
import io.agentd.client.api.QuotaView;
import io.agentd.client.api.UsageView;
import io.agentd.client.api.WorkerView;
import io.agentd.statemachine.ClusterState;
import io.agentd.statemachine.model.Agent;
import io.agentd.statemachine.model.AgentSpec;
import io.agentd.statemachine.model.AuditRecord;
import io.agentd.statemachine.model.Token;
import io.agentd.statemachine.model.Event;
import io.agentd.statemachine.model.MetadataEntry;
import io.agentd.statemachine.model.MetadataResult;
import io.agentd.statemachine.model.Namespace;
import io.agentd.statemachine.model.Worker;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one place that translates between the API's wire types (client module, a public
 * contract) and the state machine's records (an internal format).
 */
public final class Views {
    private Views() {
    }

    /** The last time written, and its text: the commands of one log entry share one time. */
    private record Written(long epochMillis, String text) {
    }

    private static volatile Written lastTime = new Written(0, Instant.EPOCH.toString());

    /** An instant as ISO-8601 text ({@link Instant#toString}); thread-safe. */
    public static String time(long epochMillis) {
        Written w = lastTime;
        if (w.epochMillis() == epochMillis) {
            return w.text();
        }
        String text = Instant.ofEpochMilli(epochMillis).toString();
        lastTime = new Written(epochMillis, text);
        return text;
    }

    /** A token as the API shows it: never its secret's hash. */
    public static TokenView token(Token t) {
        return new TokenView(t.id(), t.role().word(), List.copyOf(t.namespaces()), t.workerId(),
                t.expiresAt() == 0 ? null : time(t.expiresAt()), t.description(), t.createRevision(),
                time(t.createTime()), t.revoked(), t.revoked() ? time(t.revokedAt()) : null);
    }

    /** A provider as the API shows it: a limit that is none as {@code null}. */
    public static io.agentd.client.api.ProviderView provider(io.agentd.statemachine.model.Provider p) {
        io.agentd.statemachine.model.ProviderLimits l = p.limits();
        return new io.agentd.client.api.ProviderView(p.name(), l.requestsPerMinute(),
                l.tokensPerMinute() == 0 ? null : l.tokensPerMinute(),
                l.maxConcurrent() == 0 ? null : l.maxConcurrent(), l.group().isEmpty() ? null : l.group(), l.priority(),
                l.shares(), l.pricePer1kTokensMicros() == 0 ? null : usd(l.pricePer1kTokensMicros()),
                p.createRevision(), p.revision());
    }

    /** Millionths of a dollar as dollars, with no more decimals than it needs and no exponent. */
    static java.math.BigDecimal usd(long micros) {
        java.math.BigDecimal d = java.math.BigDecimal.valueOf(micros, 6).stripTrailingZeros();
        return d.scale() < 0 ? d.setScale(0) : d;
    }

    public static AuditRecordView audit(AuditRecord a) {
        return new AuditRecordView(a.revision(), time(a.time()), a.actor(), a.role(), a.remote(), a.requestId(),
                a.command(), a.target(), a.result());
    }

    public static NamespaceView namespace(Namespace n, long[] usage) {
        return new NamespaceView(n.name(), new QuotaView(n.quota().maxAgents(), n.quota().maxSlots()),
                new UsageView(usage[0], usage[1]), n.createRevision(), n.revision());
    }

    public static NamespaceView namespace(ClusterState s, Namespace n) {
        return namespace(n, s.usage(n.name()));
    }

    public static AgentSpecView spec(AgentSpec s) {
        return new AgentSpecView(s.command(), s.args(), s.env(), s.workingDir(), s.slots(), s.labels(),
                s.constraints(), s.restart().word());
    }

    /** An agent as read now: a pending agent's reason is worked out against the current workers. */
    public static AgentView agent(ClusterState s, Agent a) {
        AgentView v = agent(a);
        if (a.state() != io.agentd.statemachine.model.AgentState.PENDING) {
            return v;
        }
        return new AgentView(v.namespace(), v.name(), v.id(), v.spec(), v.desiredState(), v.state(), v.worker(),
                v.fencingToken(), s.whyPending(a), v.exitCode(), v.restarts(), v.metadata(), v.createRevision(),
                v.revision(), v.createTime(), v.updateTime(), v.migrateTo(), v.checkpointRevision(), v.reschedules(),
                v.history(), v.health());
    }

    public static AgentView agent(Agent a) {
        Map<String, MetadataEntryView> md = new LinkedHashMap<>();
        for (Map.Entry<String, MetadataEntry> e : a.metadata().entrySet()) {
            md.put(e.getKey(), new MetadataEntryView(e.getValue().value(), e.getValue().version()));
        }
        return new AgentView(a.namespace(), a.name(), a.id(), spec(a.spec()), a.desired().word(), a.state().word(),
                a.worker(), a.assigned() ? a.fencingToken() : null, a.pendingReason(), a.exitCode(), a.restarts(), md,
                a.createRevision(), a.revision(), time(a.createTime()), time(a.updateTime()), a.migrateTo(),
                a.checkpoint() == null ? null : a.checkpointRevision(), a.reschedules(), history(a),
                a.health() == null ? null : new io.agentd.client.api.HealthView(a.health().status(),
                        a.health().progress(), time(a.health().time())));
    }

    private static java.util.List<io.agentd.client.api.AssignmentView> history(Agent a) {
        if (a.history().isEmpty()) {
            return java.util.List.of();
        }
        java.util.List<io.agentd.client.api.AssignmentView> out = new java.util.ArrayList<>(a.history().size());
        for (io.agentd.statemachine.model.Assignment h : a.history()) {
            out.add(new io.agentd.client.api.AssignmentView(h.worker(), h.fencingToken(), h.restarts(),
                    h.endRevision(), time(h.endTime()), h.outcome()));
        }
        return out;
    }

    public static WorkerView worker(ClusterState s, Worker w) {
        return new WorkerView(w.id(), w.address(), w.zone(), w.labels(), w.capacitySlots(), s.usedSlots(w.id()),
                w.state().word(), s.agentsOn(w.id()).size(), w.registerRevision(), w.revision());
    }

    public static EventView event(Event e) {
        return new EventView(e.revision(), time(e.time()), e.type().word(), e.namespace(), e.name(), e.worker(),
                e.detail());
    }

    public static MetadataView metadata(MetadataResult m) {
        return new MetadataView(m.key(), m.value(), m.version());
    }
}
