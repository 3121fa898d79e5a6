package io.agentd.daemon.raft;

import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.proto.RaftProtos;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.StateMachine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * This node's own Ratis server (gRPC), as the rest of {@link RaftNode} uses it: requests to it
 * without the client, what it knows of the group (role, leader, term, log, members), and the
 * election it can start when the leader is gone.
 *
 * <p>Threads: safe for concurrent use. Until {@link #start} has run, the queries answer as a node
 * that knows nothing yet: not leading, no leader, term 0, an empty log.
 */
final class LocalServer {
    /** Logged under RaftNode's name: to an operator this is the raft node speaking. */
    private static final Logger LOG = LoggerFactory.getLogger(RaftNode.class);

    private final String nodeId;
    private final RaftPeerId selfId;
    private final RaftGroup group;
    private final RaftServer server;
    private final AtomicLong electionCallIds = new AtomicLong();
    private volatile RaftServer.Division division;

    /** Builds the server for {@code config}'s group, running {@code stateMachine}; nothing runs until {@link #start}. */
    LocalServer(RaftNodeConfig config, StateMachine stateMachine, RaftProperties properties) throws IOException {
        this.nodeId = config.nodeId();
        this.selfId = RaftPeerId.valueOf(config.nodeId());
        List<RaftPeer> peers = new ArrayList<>();
        config.peers().forEach((id, address) -> peers.add(peer(id, address, config.peerHttp().get(id),
                config.joining() && id.equals(config.nodeId()))));
        this.group = RaftGroup.valueOf(RaftGroupId.valueOf(config.groupId()), peers);
        this.server = RaftServer.newBuilder()
                .setServerId(selfId)
                .setGroup(group)
                .setStateMachine(stateMachine)
                .setProperties(properties)
                .setParameters(RatisSettings.parameters(config))
                .setOption(RaftStorage.StartupOption.RECOVER)
                .build();
    }

    /** A peer entry: its Raft address, its API address (kept in the data-stream field), voter or learner. */
    static RaftPeer peer(String id, String raftAddress, String httpAddress, boolean learner) {
        RaftPeer.Builder b = RaftPeer.newBuilder().setId(id).setAddress(raftAddress);
        if (httpAddress != null) {
            b.setDataStreamAddress(httpAddress);
        }
        if (learner) {
            b.setStartupRole(RaftProtos.RaftPeerRole.LISTENER);
        }
        return b.build();
    }

    /**
     * The voters of the group's configuration (before start: those configured). While a change is
     * under way (Raft's joint configuration), the voters of the old and the new one both: a member
     * being removed counts until the change is done, one being added from its start.
     */
    List<RaftPeer> voters() {
        RaftServer.Division d = division;
        return d == null ? List.copyOf(group.getPeers()) : union(d, RaftProtos.RaftPeerRole.FOLLOWER);
    }

    /** The learners (Ratis' listeners) of the group's configuration, old and new during a change. */
    List<RaftPeer> learners() {
        RaftServer.Division d = division;
        if (d == null) {
            return List.of();
        }
        List<RaftPeer> voters = voters();
        return union(d, RaftProtos.RaftPeerRole.LISTENER).stream()
                .filter(p -> voters.stream().noneMatch(v -> v.getId().equals(p.getId()))).toList();
    }

    /** Whether this node's configuration is a change under way (joint, or not yet committed). */
    boolean configurationChanging() {
        RaftServer.Division d = division;
        if (d == null) {
            return false;
        }
        var conf = d.getRaftConf();
        return !conf.getPreviousPeers().isEmpty() || conf.getLogEntryIndex() > commitIndex();
    }

    private static List<RaftPeer> union(RaftServer.Division d, RaftProtos.RaftPeerRole role) {
        var conf = d.getRaftConf();
        java.util.Map<RaftPeerId, RaftPeer> all = new java.util.LinkedHashMap<>();
        conf.getCurrentPeers(role).forEach(p -> all.put(p.getId(), p));
        conf.getPreviousPeers(role).forEach(p -> all.putIfAbsent(p.getId(), p));
        return List.copyOf(all.values());
    }

    /** Opens (or creates) the server's storage and joins the group. */
    void start() throws IOException {
        server.start();
        division = server.getDivision(group.getGroupId());
    }

    /** The group as configured at start. */
    RaftGroup group() {
        return group;
    }

    /** A request to this node's own Raft server, without the client; failures come back in the future. */
    CompletableFuture<RaftClientReply> ask(ClientId clientId, long callId, Message message,
                                           RaftClientRequest.Type type) {
        RaftClientRequest request = RaftClientRequest.newBuilder()
                .setClientId(clientId)
                .setServerId(selfId)
                .setGroupId(group.getGroupId())
                .setCallId(callId)
                .setMessage(message)
                .setType(type)
                .build();
        try {
            return server.submitClientRequestAsync(request);
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Drops the server-to-server channel to {@code leaderId} so that the next request opens a
     * fresh one instead of waiting out gRPC's reconnect backoff.
     */
    void reconnectTo(String leaderId, Exception cause) {
        server.getServerRpc().handleException(RaftPeerId.valueOf(leaderId), cause, true);
    }

    /** As {@link RaftNode#isLeader}. */
    boolean isLeader() {
        RaftServer.Division d = division;
        return d != null && d.getInfo().isLeader();
    }

    /** As {@link RaftNode#leadsIn}. */
    boolean leadsIn(long term) {
        RaftServer.Division d = division;
        if (d == null || term <= 0) {
            return false;
        }
        var info = d.getInfo();
        // The role read between two reads of the same term: it was this node's role in that term.
        return info.getCurrentTerm() == term && info.isLeader() && info.getCurrentTerm() == term;
    }

    Optional<String> leaderId() {
        RaftServer.Division d = division;
        return Optional.ofNullable(d == null ? null : d.getInfo().getLeaderId()).map(RaftPeerId::toString);
    }

    long term() {
        RaftServer.Division d = division;
        return d == null ? 0 : d.getInfo().getCurrentTerm();
    }

    LogPosition lastLogEntry() {
        RaftServer.Division d = division;
        TermIndex last = d == null ? null : d.getRaftLog().getLastEntryTermIndex();
        return last == null ? LogPosition.EMPTY : new LogPosition(last.getTerm(), last.getIndex());
    }

    long commitIndex() {
        RaftServer.Division d = division;
        return d == null ? 0 : Math.max(0, d.getRaftLog().getLastCommittedIndex());
    }

    /**
     * The election of {@link RaftNode#electAfterLeaderLoss}, for a node that is up: refused (false)
     * unless this node follows {@code leaderId} and its log ends in the current term. The request
     * is the one that leader would send to hand over: it names that leader and its last entry.
     */
    boolean electAfterLeaderLoss(String leaderId) {
        RaftServer.Division d = division;
        if (d == null) {
            return false;
        }
        var info = d.getInfo();
        RaftPeerId leader = info.getLeaderId();
        TermIndex last = d.getRaftLog().getLastEntryTermIndex();
        if (!info.isFollower() || leader == null || !leader.toString().equals(leaderId) || last == null
                || last.getTerm() != info.getCurrentTerm()) {
            return false;
        }
        RaftProtos.StartLeaderElectionRequestProto request = RaftProtos.StartLeaderElectionRequestProto.newBuilder()
                .setServerRequest(RaftProtos.RaftRpcRequestProto.newBuilder()
                        .setRequestorId(leader.toByteString())
                        .setReplyId(selfId.toByteString())
                        .setRaftGroupId(RaftProtos.RaftGroupIdProto.newBuilder().setId(group.getGroupId().toByteString()))
                        .setCallId(electionCallIds.incrementAndGet()))
                .setLeaderLastEntry(last.toProto())
                .build();
        try {
            boolean started = server.startLeaderElection(request).getServerReply().getSuccess();
            LOG.info("{}: leader {} is gone; {} an election at once (term {}, log at {})", nodeId, leaderId,
                    started ? "started" : "could not start", info.getCurrentTerm(), last);
            return started;
        } catch (IOException | RuntimeException e) {
            LOG.warn("{}: could not start an election after leader {} was gone: {}", nodeId, leaderId,
                    e.toString());
            return false;
        }
    }

    /** The group as this node knows it now (its latest configuration), or as configured before start. */
    RaftGroup currentGroup() {
        RaftServer.Division d = division;
        return d == null ? group : d.getGroup();
    }

    /**
     * On the leader, the milliseconds since each follower last answered it (Ratis' own count);
     * empty on any other node.
     */
    java.util.Map<String, Long> followerLastContactMillis() {
        RaftServer.Division d = division;
        if (d == null || !d.getInfo().isLeader()) {
            return java.util.Map.of();
        }
        java.util.Map<String, Long> out = new java.util.TreeMap<>();
        for (RaftProtos.ServerRpcProto f : d.getInfo().getRoleInfoProto().getLeaderInfo().getFollowerInfoList()) {
            out.put(f.getId().getId().toStringUtf8(), f.getLastRpcElapsedTimeMs());
        }
        return out;
    }

    /** As {@link RaftNode#members}. */
    List<Member> members() {
        RaftServer.Division d = division;
        Optional<String> leader = leaderId();
        Member.Role self = d == null ? Member.Role.UNKNOWN : switch (d.getInfo().getCurrentRole()) {
            case LEADER -> Member.Role.LEADER;
            case FOLLOWER -> Member.Role.FOLLOWER;
            case CANDIDATE -> Member.Role.CANDIDATE;
            case LISTENER -> Member.Role.LISTENER;
            default -> Member.Role.UNKNOWN;
        };
        List<Member> members = new ArrayList<>();
        List<RaftPeer> learners = learners();
        List<RaftPeer> all = new ArrayList<>(voters());
        all.addAll(learners);
        for (RaftPeer p : all) {
            String id = p.getId().toString();
            boolean voter = !learners.contains(p);
            Member.Role role;
            if (id.equals(nodeId)) {
                role = self;
            } else if (!voter) {
                role = Member.Role.LISTENER;
            } else if (leader.isEmpty()) {
                role = Member.Role.UNKNOWN;
            } else {
                role = leader.get().equals(id) ? Member.Role.LEADER : Member.Role.FOLLOWER;
            }
            members.add(new Member(id, p.getAddress(), role, voter, p.getDataStreamAddress()));
        }
        members.sort(Comparator.comparing(Member::id));
        return List.copyOf(members);
    }

    void close() throws IOException {
        server.close();
    }
}
