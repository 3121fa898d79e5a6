package io.agentd.client.api;

/**
 * One ended assignment of an agent, as {@code describe} shows it.
 *
 * @param worker the worker it ran on
 * @param fencingToken the assignment's fencing token
 * @param restarts how often that worker's supervisor restarted it
 * @param endRevision the revision that ended the assignment
 * @param endTime ISO-8601 instant the assignment ended
 * @param outcome how it ended, e.g. {@code failed (exit 3)}, {@code migrating off w1},
 *     {@code its worker w1 expired}
 */
public record AssignmentView(String worker, long fencingToken, int restarts, long endRevision, String endTime,
                             String outcome) {}
