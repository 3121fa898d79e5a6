package io.agentd.daemon.coordinator;

import io.agentd.client.api.AgentSpecView;
import io.agentd.client.api.QuotaView;
import io.agentd.statemachine.Rejection;
import io.agentd.statemachine.model.AgentSpec;
import io.agentd.statemachine.model.Quota;
import io.agentd.statemachine.model.RestartPolicy;
import io.agentd.statemachine.model.WireEnum;

import java.util.Map;
import java.util.TreeMap;

/** The API's request values as domain values; throws a Rejection (400) naming the bad field. */
final class Requests {
    private Requests() {
    }

    static AgentSpec spec(AgentSpecView v) {
        if (v == null) {
            throw Rejection.invalid("spec is required");
        }
        RestartPolicy restart = RestartPolicy.ON_FAILURE;
        if (v.restart() != null) {
            restart = WireEnum.fromWord(RestartPolicy.class, v.restart());
            if (restart == null) {
                throw Rejection.invalid("spec.restart '" + v.restart() + "' must be one of "
                        + WireEnum.words(RestartPolicy.class));
            }
        }
        return new AgentSpec(v.command(), v.args(), sorted(v.env()), v.workingDir(),
                v.slots() == null ? 1 : v.slots(), sorted(v.labels()), sorted(v.constraints()), restart);
    }

    static Quota quota(QuotaView q) {
        return q == null ? Quota.UNLIMITED : new Quota(q.maxAgents(), q.maxSlots());
    }

    static TreeMap<String, String> sorted(Map<String, String> m) {
        TreeMap<String, String> out = new TreeMap<>();
        if (m != null) {
            for (Map.Entry<String, String> e : m.entrySet()) {
                if (e.getValue() == null) {
                    throw Rejection.invalid("null value for key '" + e.getKey() + "'");
                }
                out.put(e.getKey(), e.getValue());
            }
        }
        return out;
    }
}
