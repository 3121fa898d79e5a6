package io.agentd.daemon.raft;

import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The read barrier of a {@link RaftNode}: a linearizable read index asked of this node's own
 * server, retried with backoff while the failure is transient, and a fresh channel to the leader
 * when a follower's old one is stuck.
 *
 * <p>Threads: safe for concurrent use. Replies are handled on Ratis threads, retries run on the
 * timer thread.
 */
final class ReadIndexBarrier {
    /** Logged under RaftNode's name: to an operator this is the raft node speaking. */
    private static final Logger LOG = LoggerFactory.getLogger(RaftNode.class);
    private static final Duration BARRIER_BACKOFF_MAX = Duration.ofMillis(500);
    private static final long RECONNECT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final String nodeId;
    private final LocalServer server;
    private final PendingCalls calls;
    private final ClientId barrierClientId = ClientId.randomId();
    private final AtomicLong barrierCallIds = new AtomicLong();
    private final AtomicLong lastReconnect = new AtomicLong(System.nanoTime() - RECONNECT_INTERVAL_NANOS);

    ReadIndexBarrier(String nodeId, LocalServer server, PendingCalls calls) {
        this.nodeId = nodeId;
        this.server = server;
        this.calls = calls;
    }

    /** {@link RaftNode#readBarrier}: same contract. */
    CompletableFuture<Void> ask() {
        if (calls.isDown()) {
            return CompletableFuture.failedFuture(calls.closedException());
        }
        CompletableFuture<Void> result = calls.track(new CompletableFuture<>(), "read barrier");
        askReadIndex(result, 0);
        return result;
    }

    private void askReadIndex(CompletableFuture<Void> result, int attempt) {
        if (result.isDone()) {
            return;
        }
        if (calls.isDown()) {
            result.completeExceptionally(calls.closedException());
            return;
        }
        // A "dummy" read: the server runs the linearizable read-index protocol and waits until it
        // has applied the read index, but does not query the state machine.
        server.ask(barrierClientId, barrierCallIds.incrementAndGet(), Message.EMPTY,
                RaftClientRequest.readRequestType(false, false, true)).whenComplete((reply, err) -> {
            Throwable failure = err;
            if (failure == null && !reply.isSuccess()) {
                failure = reply.getException() != null ? reply.getException()
                        : new IOException("unsuccessful read index reply " + reply);
            }
            if (failure == null) {
                result.complete(null);
                return;
            }
            Throwable cause = RaftFailures.unwrap(failure);
            if (calls.isClosed() || !RaftFailures.isTransient(cause)) {
                result.completeExceptionally(RaftFailures.translate(failure, "read barrier"));
                return;
            }
            if (RaftFailures.isGrpcStatus(cause)) {
                reconnectToLeader(cause);
            }
            long backoff = Math.min(BARRIER_BACKOFF_MAX.toMillis(), 20L << Math.min(attempt, 10));
            LOG.debug("{}: read index attempt {} failed, retrying in {}ms: {}", nodeId, attempt, backoff,
                    cause.toString());
            calls.schedule(() -> askReadIndex(result, attempt + 1), backoff);
        });
    }

    /**
     * A follower asks the leader for the read index over the server-to-server channel, which Ratis
     * resets only for log replication. After the leader was unreachable that channel waits out
     * gRPC's reconnect backoff (up to two minutes) and fails every read index meanwhile; a fresh
     * channel connects at once. At most once a second.
     */
    private void reconnectToLeader(Throwable cause) {
        Optional<String> leader = server.leaderId();
        long now = System.nanoTime();
        long last = lastReconnect.get();
        if (leader.isEmpty() || leader.get().equals(nodeId) || now - last < RECONNECT_INTERVAL_NANOS
                || !lastReconnect.compareAndSet(last, now) || !(cause instanceof Exception e)) {
            return;
        }
        LOG.info("{}: reconnecting to leader {} after {}", nodeId, leader.get(), cause.toString());
        server.reconnectTo(leader.get(), e);
    }
}
