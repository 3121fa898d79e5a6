package io.agentd.daemon.coordinator;

import io.agentd.statemachine.codec.CommandCodec;
import io.agentd.statemachine.command.Envelope;
import io.agentd.statemachine.command.Reply;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Coalesces concurrent writes into batched log entries: while up to
 * {@code maxInflight} batches are being replicated, new commands queue up and leave
 * together in the next one (at most {@code maxBatch} per entry). Each command keeps
 * its own reply and its own request id. No thread blocks per request.
 *
 * <p>A group of commands ({@link #proposeAll}) is never split: it goes in one entry, with
 * other commands only when they fit under {@code maxBatch} together, and alone when it is
 * bigger than that.
 */
public final class Proposer {
    private final Function<byte[], CompletableFuture<byte[]>> submit;
    private final int maxBatch;
    private final int maxInflight;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private int inflight;
    /** Batches sent before the last {@link #leadershipGained()} no longer count against the limit. */
    private long generation;

    private record Pending(List<Envelope> envelopes, CompletableFuture<List<Reply>> replies) {
    }

    public Proposer(Function<byte[], CompletableFuture<byte[]>> submit, int maxBatch, int maxInflight) {
        this.submit = submit;
        this.maxBatch = maxBatch;
        this.maxInflight = maxInflight;
    }

    /** Queues one command; completes with its reply once applied, or exceptionally. */
    public CompletableFuture<Reply> propose(Envelope e) {
        return proposeAll(List.of(e)).thenApply(r -> r.get(0));
    }

    /**
     * Queues commands that must be applied in one log entry, in this order; completes with
     * their replies, in the same order, once applied, or exceptionally.
     */
    public CompletableFuture<List<Reply>> proposeAll(List<Envelope> envelopes) {
        if (envelopes.isEmpty()) {
            throw new IllegalArgumentException("no commands to propose");
        }
        CompletableFuture<List<Reply>> f = new CompletableFuture<>();
        synchronized (this) {
            queue.add(new Pending(List.copyOf(envelopes), f));
        }
        drain();
        return f;
    }

    /**
     * This node has just become a ready leader. A batch it sent as a follower may still be on its
     * way through the Raft client (which retries until it finds this node, and backs off between
     * tries); new writes need not queue behind it: they go to this node's own server at once. The
     * old batch completes (or fails) on its own and no longer counts against the limit.
     */
    public void leadershipGained() {
        synchronized (this) {
            generation++;
            inflight = 0;
        }
        drain();
    }

    private void drain() {
        while (true) {
            List<Pending> batch = new ArrayList<>();
            long gen;
            synchronized (this) {
                if (inflight >= maxInflight || queue.isEmpty()) {
                    return;
                }
                inflight++;
                gen = generation;
                int commands = 0;
                while (!queue.isEmpty()
                        && (batch.isEmpty() || commands + queue.peek().envelopes().size() <= maxBatch)) {
                    Pending p = queue.poll();
                    batch.add(p);
                    commands += p.envelopes().size();
                }
            }
            send(batch, gen);
        }
    }

    private void send(List<Pending> batch, long gen) {
        List<Envelope> envelopes = new ArrayList<>();
        for (Pending p : batch) {
            envelopes.addAll(p.envelopes());
        }
        CompletableFuture<byte[]> sent;
        try {
            sent = submit.apply(CommandCodec.encodeBatch(envelopes));
        } catch (RuntimeException ex) {
            sent = CompletableFuture.failedFuture(ex);
        }
        sent.whenComplete((bytes, err) -> {
            synchronized (this) {
                if (gen == generation) {
                    inflight--;
                }
            }
            try {
                if (err != null) {
                    batch.forEach(p -> p.replies().completeExceptionally(err));
                } else {
                    List<Reply> replies = CommandCodec.decodeReplies(bytes);
                    if (replies.size() != envelopes.size()) {
                        IllegalStateException ex = new IllegalStateException(
                                "entry answered " + replies.size() + " replies for " + envelopes.size() + " commands");
                        batch.forEach(p -> p.replies().completeExceptionally(ex));
                    } else {
                        int at = 0;
                        for (Pending p : batch) {
                            int n = p.envelopes().size();
                            p.replies().complete(List.copyOf(replies.subList(at, at + n)));
                            at += n;
                        }
                    }
                }
            } finally {
                drain();
            }
        });
    }
}
