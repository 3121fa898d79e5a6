package io.agentd.statemachine;

import java.util.List;

/**
 * The cluster's feature level: which version of the replicated rules every replica applies.
 *
 * <p>Every replica re-runs the placement, quota and lease rules on each entry, so a change of
 * rule is a change of the replicated format: an old and a new build applying one entry
 * differently would diverge without a word. So new behaviour waits for a level. A build
 * supports the levels {@link #MIN_SUPPORTED} to {@link #MAX_SUPPORTED}; the cluster's level
 * lives in replicated state ({@link ClusterState#featureLevel()}) and rises only by a
 * {@code SetFeatureLevel} entry, which the leader proposes only once every member says it
 * supports the level. A replica asked to apply a level its build does not know stops rather
 * than guess.
 *
 * <p>The golden logs under the statemachine's test resources pin what each level's rules
 * yield; docs/upgrades.md says how to add a level.
 */
public final class FeatureLevel {
    /** The rules of the releases before feature levels; where every cluster starts (but a new dev registry). */
    public static final int INITIAL = 1;
    public static final int MIN_SUPPORTED = 1;
    public static final int MAX_SUPPORTED = 3;

    /** What each level adds, index 0 for level 1; shown by {@code agentctl cluster status}. */
    private static final List<String> ADDS = List.of(
            "the registry, workers, leases, tokens and audit as released before feature levels",
            "agentctl start: a stopped or failed agent runs again with its spec and metadata",
            "LLM providers: limits the fleet shares (agentctl provider)");

    private FeatureLevel() {
    }

    /** Whether this build can apply the rules of {@code level}. */
    public static boolean supported(int level) {
        return level >= MIN_SUPPORTED && level <= MAX_SUPPORTED;
    }

    /** One line on what {@code level} adds, or null for a level this build does not know. */
    public static String describe(int level) {
        return supported(level) ? ADDS.get(level - 1) : null;
    }

    /** The refusal for a command that needs {@code needed} on a cluster at {@code current}. */
    public static Rejection needs(int needed, int current, String what) {
        return new Rejection(ErrorCode.FAILED_PRECONDITION, what + " needs cluster feature level " + needed
                + " (the cluster is at " + current + "): once every member runs a build that supports it, raise"
                + " it with agentctl cluster upgrade --to " + needed);
    }
}
