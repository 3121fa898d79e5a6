package io.agentd.cli.output;

import io.agentd.client.api.ClusterStatusView;

/** The readable view of {@code cluster status}: the answering node's view, then the members. */
public final class ClusterSummary {

  private ClusterSummary() {}

  public static String render(ClusterStatusView status) {
    return new Fields(16, "")
        .add("Cluster", status.clusterId())
        .add("Node", status.nodeId())
        .add("Leader", status.leader())
        .add("Term", status.term())
        .add("Commit index", status.commitIndex())
        .add("Applied index", status.appliedIndex())
        .add("Revision", status.revision())
        .add("Feature level", status.featureLevel() == null ? "unknown (a server before feature levels)"
            : status.featureLevel())
        .line("")
        + MemberTable.render(status.members());
  }
}
