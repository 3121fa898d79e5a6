package io.agentd.statemachine.model;

import io.agentd.statemachine.Names;
import io.agentd.statemachine.Rejection;

import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What to run and where it may run. Validated on construction, so a spec that exists
 * is a valid one. {@code constraints} are worker labels the agent requires.
 */
public record AgentSpec(String command, List<String> args, SortedMap<String, String> env, String workingDir,
                        int slots, SortedMap<String, String> labels, SortedMap<String, String> constraints,
                        RestartPolicy restart) {
    public AgentSpec {
        Names.text("spec.command", command, true);
        args = List.copyOf(Objects.requireNonNullElse(args, List.of()));
        if (args.size() > Names.MAX_LIST) {
            throw Rejection.invalid("spec.args has more than " + Names.MAX_LIST + " entries");
        }
        for (int i = 0; i < args.size(); i++) {
            Names.text("spec.args[" + i + "]", args.get(i), false);
        }
        env = frozen(env);
        Names.env(env);
        workingDir = workingDir == null || workingDir.isEmpty() ? null : Names.text("spec.workingDir", workingDir, false);
        if (slots < 1 || slots > Names.MAX_SLOTS) {
            throw Rejection.invalid("spec.slots must be between 1 and " + Names.MAX_SLOTS + ", got " + slots);
        }
        labels = frozen(labels);
        Names.labels("spec.labels", labels);
        constraints = frozen(constraints);
        Names.labels("spec.constraints", constraints);
        if (restart == null) {
            restart = RestartPolicy.ON_FAILURE;
        }
    }

    private static SortedMap<String, String> frozen(java.util.Map<String, String> m) {
        if (m == null || m.isEmpty()) {
            return Collections.emptySortedMap();
        }
        for (var e : m.entrySet()) {
            if (e.getKey() == null || e.getValue() == null) {
                throw Rejection.invalid("null key or value in a map");
            }
        }
        return Collections.unmodifiableSortedMap(new TreeMap<>(m));
    }

    /** True when every constraint is among the given worker labels. */
    public boolean fits(SortedMap<String, String> workerLabels) {
        for (var e : constraints.entrySet()) {
            if (!e.getValue().equals(workerLabels.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }
}
