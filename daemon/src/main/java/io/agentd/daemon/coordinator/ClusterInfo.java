package io.agentd.daemon.coordinator;

import io.agentd.client.api.ClusterStatusView;
import io.agentd.client.api.MemberView;
import io.agentd.daemon.config.HostPort;
import io.agentd.daemon.config.ServerConfig;
import io.agentd.daemon.raft.RaftNode;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** Cluster status and membership as this node sees them (local knowledge, not a read barrier). */
public final class ClusterInfo {
    private final ServerConfig config;
    private final RaftNode raft;
    private final RegistryReplica replica;
    private final Supplier<HostPort> ownHttp;

    public ClusterInfo(ServerConfig config, RaftNode raft, RegistryReplica replica, Supplier<HostPort> ownHttp) {
        this.config = config;
        this.raft = raft;
        this.replica = replica;
        this.ownHttp = ownHttp;
    }

    public String nodeId() {
        return config.nodeId;
    }

    public ClusterStatusView status() {
        return new ClusterStatusView(config.clusterName, config.nodeId, raft.leaderId().orElse(null), raft.term(),
                raft.commitIndex(), Math.max(raft.appliedIndex(), replica.appliedIndex()), replica.revision(), members(),
                featureLevel());
    }

    /** The cluster's feature level as this replica has applied it. */
    public int featureLevel() {
        return replica.read(s -> s.featureLevel());
    }

    public List<MemberView> members() {
        String leader = raft.leaderId().orElse(null);
        List<MemberView> out = new ArrayList<>();
        // The group's configuration as Raft holds it (members added or removed since start included).
        for (var m : raft.members()) {
            String id = m.id();
            HostPort http = httpAddress(id);
            // Only this node's own range is known without asking; cluster health asks every member.
            out.add(new MemberView(id, m.address(), http == null ? null : http.toString(),
                    !m.voter() ? "learner" : id.equals(leader) ? "leader" : "follower",
                    id.equals(config.nodeId) ? new io.agentd.client.api.FeatureLevelsView(
                            io.agentd.statemachine.FeatureLevel.MIN_SUPPORTED,
                            io.agentd.statemachine.FeatureLevel.MAX_SUPPORTED) : null));
        }
        return out;
    }

    /**
     * A member's API address: this node's own; else as the group's configuration holds it (members
     * added while running), else as peer-http gives it; null when unknown.
     */
    public HostPort httpAddress(String id) {
        if (id.equals(config.nodeId)) {
            return ownHttp.get();
        }
        for (var m : raft.members()) {
            if (m.id().equals(id) && m.httpAddress() != null && !m.httpAddress().isBlank()) {
                return HostPort.parse(m.httpAddress());
            }
        }
        return config.peerHttp.get(id);
    }

    /** Every member with its addresses and whether it votes, for a server that joins. */
    public List<java.util.Map<String, Object>> membersForJoin() {
        List<java.util.Map<String, Object>> out = new ArrayList<>();
        for (var m : raft.members()) {
            HostPort http = httpAddress(m.id());
            java.util.Map<String, Object> row = new java.util.LinkedHashMap<>();
            row.put("id", m.id());
            row.put("raftAddress", m.address());
            row.put("httpAddress", http == null ? null : http.toString());
            row.put("voter", m.voter());
            out.add(row);
        }
        return out;
    }
}
