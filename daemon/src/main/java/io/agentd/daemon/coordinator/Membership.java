package io.agentd.daemon.coordinator;

import io.agentd.daemon.raft.Member;
import io.agentd.daemon.raft.MembershipException;
import io.agentd.daemon.raft.RaftNode;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Leadership transfer and member removal, as {@code agentctl cluster transfer-leader} and
 * {@code remove-member} ask for them: checks first (the member exists, the group keeps one),
 * then Raft's own calls (which reach the leader from any member); removing the leader moves
 * leadership off it first.
 */
public final class Membership {
    private final RaftNode raft;
    private final ScheduledExecutorService timer;
    private final Duration timeout;
    private final Duration recentContact;

    /**
     * @param timeout       how long a transfer may take before it fails
     * @param recentContact a follower the leader heard from within this is fit to lead
     */
    public Membership(RaftNode raft, ScheduledExecutorService timer, Duration timeout, Duration recentContact) {
        this.raft = raft;
        this.timer = timer;
        this.timeout = timeout;
        this.recentContact = recentContact;
    }

    /** The result of a transfer: who leads now, and whether that changed. */
    public record Transfer(String leader, boolean changed, long term) {
    }

    /**
     * Moves leadership to {@code target}, or when empty to a member fit to lead (one the leader
     * heard from recently, the first by id). Completes once this node sees the new leader.
     */
    public CompletableFuture<Transfer> transferLeadership(Optional<String> target) {
        List<Member> members = raft.members();
        String leader = raft.leaderId().orElseThrow(() -> new MembershipException(MembershipException.Kind.CONFLICT,
                "no leader is known: there is no leadership to transfer"));
        String to;
        if (target.isPresent()) {
            to = target.get();
            if (members.stream().noneMatch(m -> m.id().equals(to))) {
                throw new MembershipException(MembershipException.Kind.NOT_FOUND, "no member " + to + " (members: "
                        + members.stream().map(Member::id).toList() + ")");
            }
            if (to.equals(leader)) {
                return CompletableFuture.completedFuture(new Transfer(leader, false, raft.term()));
            }
        } else {
            to = successor(members, leader).orElseThrow(() -> new MembershipException(
                    MembershipException.Kind.CONFLICT, "no other member can lead: the group has "
                    + members.size() + " member(s)"));
        }
        return raft.transferLeadership(to, timeout).thenCompose(v -> awaitLeader(to))
                .thenApply(v -> new Transfer(to, true, raft.term()));
    }

    /** Removes member {@code id}, moving leadership off it first when it leads. */
    public CompletableFuture<List<String>> remove(String id) {
        List<Member> members = raft.members();
        if (members.stream().noneMatch(m -> m.id().equals(id))) {
            throw new MembershipException(MembershipException.Kind.NOT_FOUND, "no member " + id + " (members: "
                    + members.stream().map(Member::id).toList() + ")");
        }
        if (members.stream().filter(Member::voter).count() == 1 && members.stream()
                .anyMatch(m -> m.id().equals(id) && m.voter())) {
            throw new MembershipException(MembershipException.Kind.CONFLICT, "member " + id
                    + " is the only one: a group cannot remove its last member");
        }
        CompletableFuture<?> first = raft.leaderId().filter(id::equals).isPresent()
                ? transferLeadership(successor(members, id)) : CompletableFuture.completedFuture(null);
        return first.thenCompose(v -> raft.removeMember(id))
                .thenApply(v -> raft.members().stream().map(Member::id).filter(m -> !m.equals(id)).toList());
    }

    /**
     * Adds a member as a learner: it receives the log without a vote, and the leader makes it a
     * voter once it has caught up ({@code LearnerPromoter}). Its server must be running (started
     * with {@code --join}): Raft sends it the log before the configuration that adds it commits.
     */
    public CompletableFuture<Void> add(String id, String raftAddress, String httpAddress) {
        if (id == null || !id.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
            throw new IllegalArgumentException("id must be 1-64 of A-Z, a-z, 0-9, '.', '_', '-' (starting with a"
                    + " letter or digit), not '" + id + "'");
        }
        io.agentd.daemon.config.HostPort.parse(raftAddress);
        io.agentd.daemon.config.HostPort.parse(httpAddress);
        // Ratis' leader keeps the replication stream of a member it removed until leadership
        // changes, and refuses a member of that id until then ("duplicated element"): a former
        // member added back (a replaced server keeping its id) needs a new leader first.
        return raft.addLearner(id, raftAddress, httpAddress).exceptionallyCompose(e -> {
            if (!(rootCause(e) instanceof MembershipException m && m.kind() == MembershipException.Kind.STALE_LEADER)) {
                return CompletableFuture.failedFuture(e);
            }
            return transferLeadership(Optional.empty()).thenCompose(t -> raft.addLearner(id, raftAddress,
                    httpAddress));
        });
    }

    /** A member other than {@code leader} fit to lead: heard from recently when this node leads. */
    private Optional<String> successor(List<Member> members, String leader) {
        Map<String, Long> contact = raft.followerLastContactMillis();
        return members.stream().filter(Member::voter).map(Member::id).filter(id -> !id.equals(leader))
                .filter(id -> contact.isEmpty() || contact.getOrDefault(id, Long.MAX_VALUE)
                        <= recentContact.toMillis())
                .min(Comparator.naturalOrder());
    }

    /** Completes once this node knows {@code leader} as the leader, or fails after the timeout. */
    private CompletableFuture<Void> awaitLeader(String leader) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        Runnable[] check = new Runnable[1];
        check[0] = () -> {
            if (raft.leaderId().filter(leader::equals).isPresent()) {
                done.complete(null);
            } else if (System.nanoTime() - deadline > 0) {
                done.completeExceptionally(new MembershipException(MembershipException.Kind.CONFLICT,
                        "leadership was handed to " + leader + " but this server does not see it lead after "
                                + timeout.toMillis() + " ms"));
            } else {
                timer.schedule(check[0], 50, TimeUnit.MILLISECONDS);
            }
        };
        check[0].run();
        return done;
    }

    private static Throwable rootCause(Throwable e) {
        Throwable c = e;
        while ((c instanceof java.util.concurrent.CompletionException
                || c instanceof java.util.concurrent.ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }
}
