package io.agentd.client.api;

import java.util.List;

/**
 * The answer of {@code GET /v1/cluster/status}, as seen by the node that answered.
 *
 * @param clusterId id of the Raft group
 * @param nodeId the answering node
 * @param leader the leader it knows, or {@code null}
 * @param term current Raft term
 * @param commitIndex highest log index known committed
 * @param appliedIndex highest log index applied
 * @param revision cluster revision
 * @param members all members, never {@code null}
 * @param featureLevel the cluster's feature level as the answering node applied it (null from
 *     servers before feature levels)
 */
public record ClusterStatusView(
    String clusterId,
    String nodeId,
    String leader,
    long term,
    long commitIndex,
    long appliedIndex,
    long revision,
    List<MemberView> members,
    Integer featureLevel) {

  public ClusterStatusView {
    members = WireCollections.list(members);
  }

  public ClusterStatusView(String clusterId, String nodeId, String leader, long term, long commitIndex,
      long appliedIndex, long revision, List<MemberView> members) {
    this(clusterId, nodeId, leader, term, commitIndex, appliedIndex, revision, members, null);
  }
}
