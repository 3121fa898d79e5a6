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
 * assignment once more (docs/design-notes.md, "Workers"). An entry is kept only while an answer that
 * shows that assignment here can still come, so the map holds about the agents assigned here
 * plus the ends not yet confirmed, whatever the churn:
 * <ul>
 *   <li>once the coordinators accepted the end at revision R ({@link #confirmed}) and an answer
 *       at R or later has been merged, every later answer is later than R, and the known entry
 *       of that assignment (changes never mention an agent that left this worker) goes too;</li>
 *   <li>once an answer shows the agent with another token, or a full list lacks it, the
 *       coordinators have moved past that token, and tokens never come back.</li>
 * </ul>
 */
final class Assignments {
    private TreeMap<String, AgentView> known;
    /** The revision {@link #known} is at (the last answer merged), and the registration it is valid for. */
    private long knownRevision = -1;
    private long knownRegistration = -1;
    private final Map<String, Ended> ended = new HashMap<>();

    /** An assignment that ended here, and the revision at which the coordinators applied its end (0: not yet known). */
    private record Ended(long token, long confirmedAt) {
    }

    /** A full answer at {@code revision}, for the registration at {@code registration}: replaces what is known. */
    void replace(long revision, long registration, List<AgentView> agents) {
        known = new TreeMap<>();
        for (AgentView a : agents) {
            known.put(Instance.key(a), a);
        }
        knownRevision = revision;
        knownRegistration = registration;
        ended.entrySet().removeIf(e -> {
            AgentView now = known.get(e.getKey());
            return now == null || !holds(now, e.getValue().token());
        });
        forgetConfirmed();
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
            String key = Instance.key(a);
            known.put(key, a);
            Ended e = ended.get(key);
            if (e != null && !holds(a, e.token())) {
                ended.remove(key);
            }
        }
        forgetConfirmed();
        return true;
    }

    /** Drops the ends the merged answers are past, with what is known of their assignments. */
    private void forgetConfirmed() {
        ended.entrySet().removeIf(e -> {
            if (e.getValue().confirmedAt() == 0 || e.getValue().confirmedAt() > knownRevision) {
                return false;
            }
            AgentView a = known == null ? null : known.get(e.getKey());
            if (a != null && holds(a, e.getValue().token())) {
                known.remove(e.getKey());
            }
            return true;
        });
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
        ended.put(key, new Ended(token, 0));
    }

    /** The coordinators applied the end of {@code token} at {@code revision} (its final report was accepted). */
    void confirmed(String key, long token, long revision) {
        Ended e = ended.get(key);
        if (e != null && e.token() == token && revision > 0) {
            ended.put(key, new Ended(token, revision));
            forgetConfirmed();
        }
    }

    /** Whether this assignment may be started here: it did not end here before. */
    boolean mayStart(AgentView a) {
        Ended e = ended.get(Instance.key(a));
        return e == null || !holds(a, e.token());
    }

    private static boolean holds(AgentView a, long token) {
        return a.fencingToken() != null && a.fencingToken() == token;
    }

    /** How many ended assignments are remembered. */
    int endedCount() {
        return ended.size();
    }
}
