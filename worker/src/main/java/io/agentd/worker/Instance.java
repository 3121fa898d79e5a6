package io.agentd.worker;

import io.agentd.client.api.AgentView;

import java.time.Duration;
import java.util.ArrayDeque;

/**
 * One assignment on this worker and its current process. Owned by the {@link Supervisor}: every
 * field is read and written on the actions thread, except those marked volatile, which the
 * local API's and the network threads read too.
 */
final class Instance {
    /** "namespace/name". */
    final String key;
    /** The assignment as last seen; its fencing token never changes for one instance. */
    volatile AgentView assignment;
    InstanceState state = InstanceState.ASSIGNED;
    /** The process of the current run, or null between runs. */
    RunningAgent process;
    /** The SIGTERM-to-SIGKILL grace its watchdog was started with (its deadlines end that much early). */
    Duration killGrace = Duration.ZERO;
    /** Monotonic times of the restarts by supervision in this assignment, for the intensity limit. */
    final ArrayDeque<Long> restartTimes = new ArrayDeque<>();
    /** Restarts by supervision in this assignment, and the last exit code, for reports. */
    int restarts;
    Integer lastExit;
    /** The secret of the current process for the local API, or null (see {@link AgentSecrets}). */
    String secret;
    /** The checkpoint the next start gets: fetched at assignment, then the last one it saved here. */
    volatile String checkpoint;
    /** Its health reports on their way to the coordinators (see {@link Reporter}). */
    final Reporter.HealthQueue health = new Reporter.HealthQueue();

    Instance(AgentView assignment) {
        this.key = key(assignment);
        this.assignment = assignment;
    }

    long token() {
        return assignment.fencingToken();
    }

    static String key(AgentView a) {
        return a.namespace() + "/" + a.name();
    }
}
