package io.agentd.daemon.raft;

import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.LeaderNotReadyException;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How a {@link RaftNode}'s writes reach the log: one permit per write in flight, the leader's own
 * writes straight to its server, the others through a Ratis client bound to the group (replaced
 * when a failure leaves it unusable), and the caller's {@link Answer} made from the reply.
 *
 * <p>Threads: safe for concurrent use. Replies are handled on Ratis threads; a replaced client is
 * closed later on the timer thread.
 */
final class WritePath {
    /** Logged under RaftNode's name: to an operator this is the raft node speaking. */
    private static final Logger LOG = LoggerFactory.getLogger(RaftNode.class);

    private final RaftNodeConfig config;
    private final LocalServer server;
    private final PendingCalls calls;
    private final RaftProperties clientProperties;
    private final RetryPolicy retryPolicy;
    private final Semaphore writePermits;
    /** Identity of the writes this node submits to its own server while it leads. */
    private final ClientId localWriteClientId = ClientId.randomId();
    private final AtomicLong localWriteCallIds = new AtomicLong();
    private final Set<RaftClient> retiredClients = ConcurrentHashMap.newKeySet();
    private volatile RaftClient client;

    WritePath(RaftNodeConfig config, LocalServer server, PendingCalls calls) {
        this.config = config;
        this.server = server;
        this.calls = calls;
        this.clientProperties = RatisSettings.client(config);
        this.retryPolicy = RatisSettings.clientRetryPolicy(config);
        this.writePermits = new Semaphore(config.maxPendingRequests());
    }

    /** Makes the client, once the server has started (the client starts from the leader it knows). */
    void start() {
        client = newClient();
    }

    /** {@link RaftNode#propose}: same contract. */
    CompletableFuture<Answer> propose(byte[] payload) {
        Objects.requireNonNull(payload, "payload");
        if (calls.isDown()) {
            return CompletableFuture.failedFuture(calls.closedException());
        }
        if (!writePermits.tryAcquire()) {
            return CompletableFuture.failedFuture(new RaftOverloadedException(
                    config.maxPendingRequests() + " writes are already in flight on " + config.nodeId(), null));
        }
        CompletableFuture<Answer> result = calls.track(new CompletableFuture<>(), "write");
        // Not copied: startTransaction copies it into the stamped entry.
        Message message = Message.valueOf(UnsafeByteOperations.unsafeWrap(payload));
        if (server.isLeader()) {
            submitLocally(message, result);
        } else {
            submitThroughClient(message, result);
        }
        return result;
    }

    /**
     * The leader's own writes go straight to its server: no gRPC round trip to itself, and no
     * client state (a leader cached from before an election, retry backoff) between a new leader
     * and its first write. When the server turns out not to lead (or not to be ready yet), the
     * write goes through the client, which finds the leader and retries.
     */
    private void submitLocally(Message message, CompletableFuture<Answer> result) {
        server.ask(localWriteClientId, localWriteCallIds.incrementAndGet(), message,
                RaftClientRequest.writeRequestType()).whenComplete((reply, err) -> {
            if (err == null && reply.isSuccess()) {
                writePermits.release();
                completeWrite(result, reply);
                return;
            }
            Throwable failure = err != null ? RaftFailures.unwrap(err) : reply.getException();
            if (failure instanceof LeaderNotReadyException) {
                // Refused before it was appended (an elected leader applies its first entry before it
                // takes writes): hand it to the client, which retries until the leader is ready.
                LOG.debug("{}: local write refused ({}), sending it through the client", config.nodeId(), failure);
                submitThroughClient(message, result);
                return;
            }
            // Anything else may have been appended before it failed (a leader that steps down fails
            // its pending writes with NotLeaderException, and the entry may still commit): sending it
            // again could apply it twice, so the caller decides (its Idempotency-Key makes a retry safe).
            writePermits.release();
            result.completeExceptionally(RaftFailures.translate(
                    failure != null ? failure : new IOException("unsuccessful write reply " + reply), "write"));
        });
    }

    private void submitThroughClient(Message message, CompletableFuture<Answer> result) {
        RaftClient c = client;
        CompletableFuture<RaftClientReply> sent;
        try {
            sent = c.async().send(message);
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        sent.whenComplete((reply, err) -> {
            writePermits.release();
            if (err != null) {
                if (RaftFailures.poisonsClient(err)) {
                    replaceClient(c, err);
                }
                result.completeExceptionally(RaftFailures.translate(err, "write"));
            } else {
                completeWrite(result, reply);
            }
        });
    }

    /**
     * A committed write's answer. An empty one means the entry was applied but its answer was not
     * kept: Ratis answered a retry from its retry cache with what a replica returned for an entry it
     * had applied before it restarted (those are passed over, see {@link StateMachineAdapter}). The
     * write took effect; the caller gets an error that says so, and a retry with the same
     * Idempotency-Key returns the original answer from the registry's dedup table.
     */
    static void completeWrite(CompletableFuture<Answer> result, RaftClientReply reply) {
        Message m = reply.getMessage();
        if (m instanceof Answer a) {
            result.complete(a);
        } else if (m == null || m.getContent().isEmpty()) {
            result.completeExceptionally(new RaftUnavailableException("the write was applied, but its answer was lost"
                    + " in a change of leader; retry it with the same Idempotency-Key to get its answer"));
        } else {
            result.complete(Answer.ofBytes(m.getContent().toByteArray()));
        }
    }

    private RaftClient newClient() {
        RaftClient.Builder b = RaftClient.newBuilder()
                .setClientId(ClientId.randomId())
                .setRaftGroup(server.group())
                .setProperties(clientProperties)
                .setParameters(RatisSettings.parameters(config))
                .setRetryPolicy(retryPolicy);
        server.leaderId().map(RaftPeerId::valueOf).ifPresent(b::setLeaderId);
        return b.build();
    }

    /**
     * Ratis' ordered async client fails every later request once one request has failed for
     * good; replace it so new writes work again. The old one is closed once its in-flight
     * requests had time to finish.
     */
    private synchronized void replaceClient(RaftClient failed, Throwable cause) {
        if (calls.isClosed() || client != failed) {
            return;
        }
        LOG.warn("{}: replacing the raft client after {}", config.nodeId(), RaftFailures.unwrap(cause).toString());
        client = newClient();
        retiredClients.add(failed);
        calls.schedule(() -> {
            retiredClients.remove(failed);
            closeQuietly(failed);
        }, config.requestTimeout().toMillis());
    }

    /** Closes the client and those replaced but not closed yet. */
    void closeClients() {
        RaftClient c = client;
        if (c != null) {
            closeQuietly(c);
        }
        retiredClients.forEach(WritePath::closeQuietly);
    }

    private static void closeQuietly(RaftClient c) {
        try {
            c.close();
        } catch (IOException | RuntimeException e) {
            LOG.debug("closing raft client failed", e);
        }
    }
}
