package io.agentd.statemachine;

import io.agentd.statemachine.command.Command.CheckState;
import io.agentd.statemachine.command.Command.SetFeatureLevel;
import io.agentd.statemachine.command.Reply;

/** The cluster's own settings in the log: its feature level, and state checks. */
final class ClusterRules {
    /** Longest id a state check may carry. */
    static final int MAX_CHECK_ID = 64;

    private ClusterRules() {
    }

    /**
     * Raises the feature level. Lowering is refused (a replica cannot unlearn the rules it has
     * applied); a level above what this build supports stops the replica, since any other answer
     * would differ from the replicas that do support it.
     */
    static Reply setFeatureLevel(Tx tx, SetFeatureLevel c) {
        int current = tx.state.featureLevel();
        if (c.level() < FeatureLevel.INITIAL) {
            throw Rejection.invalid("feature level must be >= " + FeatureLevel.INITIAL + ", got " + c.level());
        }
        if (c.level() < current) {
            throw new Rejection(ErrorCode.FAILED_PRECONDITION, "the cluster is at feature level " + current
                    + "; lowering it to " + c.level() + " is not supported");
        }
        if (c.level() == current) {
            return Reply.ok(tx.revision, false, null);
        }
        if (!FeatureLevel.supported(c.level())) {
            throw new IllegalStateException("the log raises the cluster feature level to " + c.level()
                    + ", and this build supports levels " + FeatureLevel.MIN_SUPPORTED + " to "
                    + FeatureLevel.MAX_SUPPORTED + ": run a build that supports it");
        }
        tx.state.setFeatureLevel(c.level());
        return Reply.ok(tx.revision, false, null);
    }

    /** Records nothing in the registry; the replica notes the id and digests its state after the entry. */
    static Reply checkState(Tx tx, CheckState c) {
        if (c.id() == null || c.id().isEmpty() || c.id().length() > MAX_CHECK_ID) {
            throw Rejection.invalid("a state check id must have 1 to " + MAX_CHECK_ID + " characters");
        }
        tx.state.noteCheck(c.id());
        return Reply.ok(tx.revision, false, null);
    }
}
