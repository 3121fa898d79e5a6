package io.agentd.worker;

import io.agentd.client.api.AgentView;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What this worker knows is assigned to it, and which assignments ended here. Actions thread only.
 *
 * <p>{@code known}: the last full answer of the watcher with every later change merged in, by
 * "ns/name"; null when nothing valid is known (before the first full answer, after a lost lease).
 * An agent leaves this worker only through its own final report or the expiry of its
 * registration, so changes alone keep it complete; a full answer replaces it now and then.
 *
 * <p>{@code ended}: the token of each agent's last instance that ended here. A watcher answer
 * can be older than the report of that end; without this the worker would start the ended
 * assignment once more (jepsen-tests/FINDINGS.md #4).
 */
final class Assignments {
    private TreeMap<String, AgentView> known;
    /** The revision {@link #known} is at (the last answer merged), and the registration it is valid for. */
    private long knownRevision = -1;
    private long knownRegistration = -1;
    private final Map<String, Long> ended = new HashMap<>();

    /** A full answer at {@code revision}, for the registration at {@code registration}: replaces what is known. */
    void replace(long revision, long registration, List<AgentView> agents) {
        known = new TreeMap<>();
        for (AgentView a : agents) {
            known.put(Instance.key(a), a);
        }
        knownRevision = revision;
        knownRegistration = registration;
    }

    /**
     * Changes after {@code since}, answered at {@code revision}: merged when they follow on from
     * what is known for this registration. False when they do not (a lost lease, a new
     * registration, an answer skipped): they could miss a change, so nothing is merged.
     */
    boolean merge(long since, long revision, long registration, List<AgentView> agents) {
        if (known == null || knownRegistration != registration || since != knownRevision) {
            return false;
        }
        knownRevision = revision;
        for (AgentView a : agents) {
            known.put(Instance.key(a), a);
        }
        return true;
    }

    /** The revision of the last answer merged, -1 when none. */
    long revision() {
        return knownRevision;
    }

    /** Everything known to be assigned here, or null when nothing valid is known. */
    Collection<AgentView> known() {
        return known == null ? null : List.copyOf(known.values());
    }

    /** The lease was lost: the agents may have been handed on, so what was known is void. */
    void forget() {
        known = null;
    }

    /** The instance of {@code token} ended here (reported, or stopped as stale): never start it again. */
    void ended(String key, long token) {
        ended.put(key, token);
    }

    /** Whether this assignment may be started here: it did not end here before. */
    boolean mayStart(AgentView a) {
        return !a.fencingToken().equals(ended.get(Instance.key(a)));
    }

    /** How many ended assignments are remembered. */
    int endedCount() {
        return ended.size();
    }
}
