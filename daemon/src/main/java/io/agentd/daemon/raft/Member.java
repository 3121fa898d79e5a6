package io.agentd.daemon.raft;

/**
 * A voting member of the group as this node sees it.
 *
 * @param id      peer id
 * @param address Raft host:port
 * @param role    this node's own role for itself; for others LEADER or FOLLOWER according to the
 *                leader this node knows, UNKNOWN while it knows none
 */
public record Member(String id, String address, Role role) {
    public enum Role { LEADER, FOLLOWER, CANDIDATE, LISTENER, UNKNOWN }
}
