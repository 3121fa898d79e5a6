package io.agentd.client.api;

/**
 * One coordinator of the Raft group.
 *
 * @param id node id
 * @param raftAddress host:port of its Raft transport
 * @param httpAddress host:port of its HTTP API
 * @param role e.g. {@code leader}, {@code follower}
 * @param featureLevels the feature levels its build supports; null when not asked, or when it did
 *     not answer or runs a build from before feature levels (in {@code cluster status}: {@code unknown})
 */
public record MemberView(String id, String raftAddress, String httpAddress, String role,
    FeatureLevelsView featureLevels) {

  public MemberView(String id, String raftAddress, String httpAddress, String role) {
    this(id, raftAddress, httpAddress, role, null);
  }
}
