package io.agentd.statemachine.command;

import io.agentd.statemachine.model.AgentSpec;
import io.agentd.statemachine.model.AgentState;
import io.agentd.statemachine.model.Quota;

import java.util.SortedMap;

/**
 * Every change to the registry is one of these immutable commands. Their binary form
 * ({@link CommandCodec}) is a versioned contract: each type has a fixed wire code.
 */
public sealed interface Command {

    /** A short stable name for audit records and logs. */
    String kind();

    /** What the command is about, for audit records: "ns/name", a worker id, ... */
    String target();

    record CreateNamespace(String name, Quota quota) implements Command {
        public String kind() {
            return "CreateNamespace";
        }

        public String target() {
            return name;
        }
    }

    record SetQuota(String namespace, Quota quota) implements Command {
        public String kind() {
            return "SetQuota";
        }

        public String target() {
            return namespace;
        }
    }

    record SpawnAgent(String namespace, String name, AgentSpec spec) implements Command {
        public String kind() {
            return "SpawnAgent";
        }

        public String target() {
            return namespace + "/" + name;
        }
    }

    record StopAgent(String namespace, String name) implements Command {
        public String kind() {
            return "StopAgent";
        }

        public String target() {
            return namespace + "/" + name;
        }
    }

    record DeleteAgent(String namespace, String name) implements Command {
        public String kind() {
            return "DeleteAgent";
        }

        public String target() {
            return namespace + "/" + name;
        }
    }

    /** Compare-and-set of one metadata key: ifVersion null = unconditional, 0 = must not exist. */
    record SetMetadata(String namespace, String name, String key, String value, Long ifVersion) implements Command {
        public String kind() {
            return "SetMetadata";
        }

        public String target() {
            return namespace + "/" + name + "#" + key;
        }
    }

    /** A worker's report on an agent it runs, fenced by the assignment's token. */
    /**
     * A worker's report on the agent it runs under {@code fencingToken}. {@code restarts}: how many
     * times its supervisor restarted the agent in this assignment so far.
     */
    record ReportStatus(String namespace, String name, long fencingToken, AgentState state, Integer exitCode,
                        String message, int restarts) implements Command {
        public ReportStatus(String namespace, String name, long fencingToken, AgentState state, Integer exitCode,
                            String message) {
            this(namespace, name, fencingToken, state, exitCode, message, 0);
        }

        public String kind() {
            return "ReportStatus";
        }

        public String target() {
            return namespace + "/" + name;
        }
    }

    record RegisterWorker(String id, String address, String zone, SortedMap<String, String> labels,
                          int capacitySlots) implements Command {
        public String kind() {
            return "RegisterWorker";
        }

        public String target() {
            return id;
        }
    }

    /**
     * A command decided from the leader's soft state (lease deadlines, its clock) rather than asked
     * for by a client. Such a decision holds only in the term of the leader that made it: apply
     * refuses it unless the entry that carries it is of that same {@link #term()} (an entry's term
     * is the term of the leader that appended it). So a deposed leader's decision that reaches the
     * log through the next leader, forwarded or retried, changes nothing. Term 0 marks entries
     * written before decisions carried their term; they apply as they always did.
     */
    sealed interface LeaderDecision extends Command permits ExpireWorker, RescheduleAgent {
        /** The term in which the deciding node led; 0 only in entries from before terms were recorded. */
        long term();
    }

    /**
     * The leader of {@code term} found no renewal of the worker's lease for a whole TTL. Applies
     * only while the worker is still at {@code ifRevision} (a re-registration in between wins).
     */
    record ExpireWorker(String id, long ifRevision, long term) implements LeaderDecision {
        public ExpireWorker {
            requireTerm(term);
        }

        public String kind() {
            return "ExpireWorker";
        }

        public String target() {
            return id;
        }
    }

    /** Two-phase move: the old worker stops the agent and hands back its checkpoint, then it is placed anew. */
    record MigrateAgent(String namespace, String name, String to) implements Command {
        public String kind() {
            return "MigrateAgent";
        }

        public String target() {
            return namespace + "/" + name;
        }
    }

    record DrainWorker(String id, int maxParallel) implements Command {
        public String kind() {
            return "DrainWorker";
        }

        public String target() {
            return id;
        }
    }

    record UndrainWorker(String id) implements Command {
        public String kind() {
            return "UndrainWorker";
        }

        public String target() {
            return id;
        }
    }

    /** The agent's saved state, fenced by the assignment's token; handed to its next instance. */
    record PutCheckpoint(String namespace, String name, long fencingToken, String data) implements Command {
        public String kind() {
            return "PutCheckpoint";
        }

        public String target() {
            return namespace + "/" + name;
        }
    }

    /**
     * Places a failed agent again (on another worker when one qualifies), decided by the leader of
     * {@code term} after a backoff. Applies only if the agent is unchanged since ({@code ifRevision});
     * {@code attempt} is its number in the current series of reschedules.
     */
    record RescheduleAgent(String namespace, String name, long ifRevision, int attempt, long term)
            implements LeaderDecision {
        public RescheduleAgent {
            requireTerm(term);
        }

        public String kind() {
            return "RescheduleAgent";
        }

        public String target() {
            return namespace + "/" + name;
        }
    }

    /** What a running agent says about itself (status word, progress), fenced by its token. */
    record ReportHealth(String namespace, String name, long fencingToken, String status, String progress)
            implements Command {
        public String kind() {
            return "ReportHealth";
        }

        public String target() {
            return namespace + "/" + name;
        }
    }

    /**
     * A new API token. Only the SHA-256 of its secret enters the log ({@code hash}, 64 lowercase
     * hex digits); the secret is shown once to whoever asked for it. {@code namespaces} limit an
     * operator or reader token (empty: all); {@code workerId} binds a worker token to one worker;
     * {@code ttlMillis} 0: it never expires.
     */
    record CreateToken(String hash, io.agentd.statemachine.model.Role role, java.util.SortedSet<String> namespaces,
                       String workerId, long ttlMillis, String description) implements Command {
        public CreateToken {
            namespaces = java.util.Collections.unmodifiableSortedSet(
                    namespaces == null ? new java.util.TreeSet<>() : new java.util.TreeSet<>(namespaces));
            description = description == null ? "" : description;
        }

        public String kind() {
            return "CreateToken";
        }

        public String target() {
            return role.word() + (workerId != null ? ":" + workerId : "");
        }
    }

    /** A token stops working. Revoking a revoked token changes nothing. */
    record RevokeToken(String id) implements Command {
        public String kind() {
            return "RevokeToken";
        }

        public String target() {
            return id;
        }
    }

    /** The first admin token of a cluster (its secret's hash); refused once any token exists. */
    record BootstrapToken(String hash) implements Command {
        public String kind() {
            return "BootstrapToken";
        }

        public String target() {
            return "admin";
        }
    }

    /**
     * Raises the cluster's feature level ({@link io.agentd.statemachine.FeatureLevel}): from the
     * next entry on, every replica applies the rules of that level. Proposed only once every
     * member runs a build that supports it.
     */
    record SetFeatureLevel(int level) implements Command {
        public String kind() {
            return "SetFeatureLevel";
        }

        public String target() {
            return "level " + level;
        }
    }

    /**
     * Asks every replica to record a digest of its state once this entry is applied, under
     * {@code id}: replicas that applied the same log must record the same digest. Changes nothing.
     */
    record CheckState(String id) implements Command {
        public String kind() {
            return "CheckState";
        }

        public String target() {
            return id;
        }
    }

    /**
     * A stopped or failed agent runs again with its spec, metadata and history kept (feature
     * level 2 on).
     */
    record StartAgent(String namespace, String name) implements Command {
        public String kind() {
            return "StartAgent";
        }

        public String target() {
            return namespace + "/" + name;
        }
    }

    private static void requireTerm(long term) {
        if (term < 0) {
            throw new IllegalArgumentException("a term is never negative, got " + term);
        }
    }

    /** Creates a provider or replaces its limits (feature level 3). */
    record SetProvider(String name, io.agentd.statemachine.model.ProviderLimits limits) implements Command {
        public String kind() {
            return "SetProvider";
        }

        public String target() {
            return name;
        }
    }

    /** Removes a provider (feature level 3). */
    record DeleteProvider(String name) implements Command {
        public String kind() {
            return "DeleteProvider";
        }

        public String target() {
            return name;
        }
    }
}
