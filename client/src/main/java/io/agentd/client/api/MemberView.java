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
 * @param version its build's version and commit ({@code 0.1.0 (commit 1a2b3c4d5e)}), as it told
 *     {@code cluster health}; null when not asked or it did not answer
 */
public record MemberView(String id, String raftAddress, String httpAddress, String role,
    FeatureLevelsView featureLevels,
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    String version) {

  public MemberView(String id, String raftAddress, String httpAddress, String role) {
    this(id, raftAddress, httpAddress, role, null, null);
  }

  public MemberView(String id, String raftAddress, String httpAddress, String role,
      FeatureLevelsView featureLevels) {
    this(id, raftAddress, httpAddress, role, featureLevels, null);
  }
}
