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
 */
public record ClusterStatusView(
    String clusterId,
    String nodeId,
    String leader,
    long term,
    long commitIndex,
    long appliedIndex,
    long revision,
    List<MemberView> members) {

  public ClusterStatusView {
    members = WireCollections.list(members);
  }
}
