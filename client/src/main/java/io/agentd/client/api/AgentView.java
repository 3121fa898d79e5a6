package io.agentd.client.api;

import java.util.List;
import java.util.Map;

/**
 * The Agent object.
 *
 * @param namespace namespace it lives in
 * @param name its name, unique in the namespace
 * @param id cluster-wide id (the revision that created it)
 * @param spec what it runs
 * @param desiredState what the operator asked for, e.g. {@code running}, {@code stopped}
 * @param state {@code pending}, {@code starting}, {@code running}, {@code migrating},
 *     {@code stopping}, {@code stopped} or {@code failed}
 * @param worker the worker it is assigned to, or {@code null} while unassigned
 * @param fencingToken the revision of its assignment, or {@code null} while unassigned
 * @param pendingReason why a pending agent is not placed, else {@code null}
 * @param exitCode the last exit code of its process, if any
 * @param restarts how often workers' supervisors restarted it, over its whole life
 * @param metadata metadata entries by key, never {@code null}
 * @param createRevision revision that created it
 * @param revision revision that last changed it
 * @param createTime ISO-8601 instant of creation
 * @param updateTime ISO-8601 instant of the last change
 * @param migrateTo the requested target while {@code migrating} ({@code null}: any other worker)
 * @param checkpointRevision revision of the last checkpoint the agent saved, or {@code null}
 * @param reschedules placements elsewhere after a failure in the current series
 * @param history its last ended assignments, oldest first (at most 10)
 * @param health what the running instance last said about itself, or {@code null}
 */
public record AgentView(
    String namespace,
    String name,
    long id,
    AgentSpecView spec,
    String desiredState,
    String state,
    String worker,
    Long fencingToken,
    String pendingReason,
    Integer exitCode,
    int restarts,
    Map<String, MetadataEntryView> metadata,
    long createRevision,
    long revision,
    String createTime,
    String updateTime,
    String migrateTo,
    Long checkpointRevision,
    int reschedules,
    List<AssignmentView> history,
    HealthView health) {

  public AgentView {
    metadata = WireCollections.map(metadata);
    history = WireCollections.list(history);
  }
}
