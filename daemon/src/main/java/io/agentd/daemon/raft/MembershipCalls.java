package io.agentd.daemon.raft;

import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.protocol.exceptions.ReconfigurationInProgressException;
import org.apache.ratis.protocol.exceptions.SetConfigurationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;

/**
 * Changes of the group's leadership and membership, through a Ratis client bound to the group as
 * this node knows it (the client finds the leader, wherever the call is made). One change at a
 * time from this node (a second is refused at once); Ratis itself refuses a configuration change
 * while another is under way anywhere in the group. The calls block, so they run on a thread of
 * their own.
 */
final class MembershipCalls implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RaftNode.class);
    private final RaftNodeConfig config;
    private final LocalServer server;
    private final RaftProperties clientProperties;
    private final Semaphore oneAtATime = new Semaphore(1);
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "raft-membership");
        t.setDaemon(true);
        return t;
    });

    MembershipCalls(RaftNodeConfig config, LocalServer server) {
        this.config = config;
        this.server = server;
        this.clientProperties = RatisSettings.client(config);
    }

    /** Moves leadership to {@code target}; completes once Ratis says the transfer succeeded. */
    CompletableFuture<Void> transferLeadership(String target, long timeoutMillis) {
        return run("transfer leadership to " + target, client -> {
            RaftClientReply reply = client.admin().transferLeadership(RaftPeerId.valueOf(target), timeoutMillis);
            check(reply, "transfer leadership to " + target);
        });
    }

    /**
     * Removes member {@code id} (a voter or a learner): a configuration of the others, made only if
     * the group's configuration is still the one read here (compare and set).
     */
    CompletableFuture<Void> removeVoter(String id) {
        return run("remove member " + id, client -> {
            changeUnderWay();
            List<RaftPeer> voters = server.voters();
            List<RaftPeer> learners = server.learners();
            List<RaftPeer> votersAfter = without(voters, id);
            List<RaftPeer> learnersAfter = without(learners, id);
            if (votersAfter.size() == voters.size() && learnersAfter.size() == learners.size()) {
                throw new MembershipException(MembershipException.Kind.NOT_FOUND, "no member " + id);
            }
            change(client, voters, learners, votersAfter, learnersAfter, "remove member " + id);
        });
    }

    /**
     * Adds a learner (Ratis' listener): it receives the log and votes for nothing until promoted.
     * Refused while another learner is catching up: one change at a time.
     */
    CompletableFuture<Void> addLearner(String id, String raftAddress, String httpAddress) {
        return run("add member " + id, client -> {
            changeUnderWay();
            List<RaftPeer> voters = server.voters();
            List<RaftPeer> learners = server.learners();
            if (voters.stream().anyMatch(p -> p.getId().toString().equals(id))
                    || learners.stream().anyMatch(p -> p.getId().toString().equals(id))) {
                throw new MembershipException(MembershipException.Kind.CONFLICT, "member " + id + " exists");
            }
            if (!learners.isEmpty()) {
                throw new MembershipException(MembershipException.Kind.BUSY, "member "
                        + learners.get(0).getId() + " is still catching up as a learner: one change at a time");
            }
            List<RaftPeer> learnersAfter = new ArrayList<>(learners);
            learnersAfter.add(LocalServer.peer(id, raftAddress, httpAddress, true));
            change(client, voters, learners, voters, learnersAfter, "add member " + id);
        });
    }

    /** Makes learner {@code id} a voter (compare and set on the configuration read here). */
    CompletableFuture<Void> promote(String id) {
        return run("promote member " + id, client -> {
            changeUnderWay();
            List<RaftPeer> voters = server.voters();
            List<RaftPeer> learners = server.learners();
            RaftPeer learner = learners.stream().filter(p -> p.getId().toString().equals(id)).findFirst()
                    .orElseThrow(() -> new MembershipException(MembershipException.Kind.NOT_FOUND, "no learner " + id));
            List<RaftPeer> votersAfter = new ArrayList<>(voters);
            votersAfter.add(LocalServer.peer(id, learner.getAddress(), learner.getDataStreamAddress(), false));
            change(client, voters, learners, votersAfter, without(learners, id), "promote member " + id);
        });
    }

    /**
     * Waits (on this call's own thread, bounded by the election timeout and then some) for the
     * change this node sees under way to be done, and refuses when it is not: its view of the
     * members would be stale. Just after a change the followers learn of its commit a moment
     * later, so a prompt second change waits rather than fails.
     */
    private void changeUnderWay() {
        long deadline = System.nanoTime() + config.electionTimeoutMax().multipliedBy(3).toNanos();
        while (server.configurationChanging()) {
            if (System.nanoTime() - deadline > 0) {
                throw new MembershipException(MembershipException.Kind.BUSY, "a membership change is under way in"
                        + " the group (this server's configuration is not committed yet): try again once it is done");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MembershipException(MembershipException.Kind.BUSY, "interrupted");
            }
        }
    }

    private void change(RaftClient client, List<RaftPeer> voters, List<RaftPeer> learners, List<RaftPeer> votersAfter,
                        List<RaftPeer> learnersAfter, String what) throws IOException {
        RaftClientReply reply = client.admin().setConfiguration(SetConfigurationRequest.Arguments.newBuilder()
                .setServersInCurrentConf(voters)
                .setListenersInCurrentConf(learners)
                .setServersInNewConf(votersAfter)
                .setListenersInNewConf(learnersAfter)
                .setMode(SetConfigurationRequest.Mode.COMPARE_AND_SET)
                .build());
        check(reply, what);
        LOG.info("{}: {}: voters {}, learners {}", config.nodeId(), what,
                votersAfter.stream().map(p -> p.getId().toString()).toList(),
                learnersAfter.stream().map(p -> p.getId().toString()).toList());
    }

    private static List<RaftPeer> without(List<RaftPeer> peers, String id) {
        return peers.stream().filter(p -> !p.getId().toString().equals(id)).toList();
    }

    private interface Call {
        void run(RaftClient client) throws IOException;
    }

    private CompletableFuture<Void> run(String what, Call call) {
        if (!oneAtATime.tryAcquire()) {
            return CompletableFuture.failedFuture(new MembershipException(MembershipException.Kind.BUSY,
                    "another change of leadership or membership is under way on this server; try again once it"
                            + " is done"));
        }
        return CompletableFuture.runAsync(() -> {
            try (RaftClient client = RaftClient.newBuilder()
                    .setClientId(ClientId.randomId())
                    .setRaftGroup(server.currentGroup())
                    .setProperties(clientProperties)
                    .setParameters(RatisSettings.parameters(config))
                    .setRetryPolicy(refusalsAreFinal(RatisSettings.clientRetryPolicy(config)))
                    .build()) {
                call.run(client);
            } catch (MembershipException e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                throw translate(e, what);
            } finally {
                oneAtATime.release();
            }
        }, thread);
    }

    /**
     * The usual retries (a leader not found yet, a timeout), but a refusal is the answer: a
     * configuration that no longer matches, or one the leader cannot take, fails at once.
     */
    private static org.apache.ratis.retry.RetryPolicy refusalsAreFinal(org.apache.ratis.retry.RetryPolicy usual) {
        return event -> {
            for (Throwable c = event.getCause(); c != null; c = c.getCause() == c ? null : c.getCause()) {
                if (c instanceof SetConfigurationException || c instanceof ReconfigurationInProgressException
                        || c instanceof IllegalStateException || c instanceof IllegalArgumentException) {
                    return org.apache.ratis.retry.RetryPolicy.NO_RETRY_ACTION;
                }
            }
            return usual.handleAttemptFailure(event);
        };
    }

    private static void check(RaftClientReply reply, String what) throws IOException {
        if (!reply.isSuccess()) {
            throw reply.getException() != null ? reply.getException()
                    : new IOException(what + " failed: " + reply);
        }
    }

    private static RuntimeException translate(Exception e, String what) {
        Throwable cause = RaftFailures.unwrap(e);
        if (cause instanceof ReconfigurationInProgressException) {
            return new MembershipException(MembershipException.Kind.BUSY, "a membership change is under way in the"
                    + " group: try again once it is done (" + cause.getMessage() + ")");
        }
        for (Throwable c = cause; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (String.valueOf(c.getMessage()).contains("duplicated element")) {
                return new MembershipException(MembershipException.Kind.STALE_LEADER, what + " was refused: the"
                        + " leader still replicates to a former member of that id (" + c.getMessage() + ")");
            }
        }
        if (cause instanceof SetConfigurationException) {
            return new MembershipException(MembershipException.Kind.CONFLICT, what + " was refused: "
                    + cause.getMessage());
        }
        return RaftFailures.translate(e, what);
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
