package io.agentd.daemon.raft;

/**
 * A member of the group as this node sees it.
 *
 * @param id          peer id
 * @param address     Raft host:port
 * @param role        this node's own role for itself; for others LEADER or FOLLOWER according to
 *                    the leader this node knows (LISTENER for a learner), UNKNOWN while it knows none
 * @param voter       a voting member, or a learner (Ratis' listener) that receives the log only
 * @param httpAddress its API host:port as the group's configuration holds it, or null
 */
public record Member(String id, String address, Role role, boolean voter, String httpAddress) {
    public enum Role { LEADER, FOLLOWER, CANDIDATE, LISTENER, UNKNOWN }
}
