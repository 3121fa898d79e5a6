package io.agentd.client.api;

/**
 * One coordinator of the Raft group.
 *
 * @param id node id
 * @param raftAddress host:port of its Raft transport
 * @param httpAddress host:port of its HTTP API
 * @param role e.g. {@code leader}, {@code follower}
 */
public record MemberView(String id, String raftAddress, String httpAddress, String role) {}
