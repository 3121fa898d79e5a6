package io.agentd.daemon.coordinator;

import io.agentd.daemon.raft.Answer;
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
 *
 * <p>The queue is bounded: past {@code maxQueued} commands waiting, {@link #propose} and {@link
 * #proposeAll} fail at once with {@link Overloaded} (nothing is queued), with a Retry-After from
 * the rate at which batches have been applied lately. The server's own commands ({@link
 * #proposeOwn}: lease expiry, reschedules) are never refused: they are few, and they keep the
 * cluster's promises to its workers.
 *
 * <p>Commands are encoded by the thread that proposes them; a batch only joins their bytes. When
 * a batch is applied, the next one leaves before the replies of the first are handed out (their
 * callers' continuations run on the thread that completes them, Ratis' apply thread).
 */
public final class Proposer {
    private final Function<byte[], CompletableFuture<Answer>> submit;
    private final int maxBatch;
    private final int maxInflight;
    private final int maxQueued;
    private final DrainRate applied;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    /** Commands in {@link #queue}. */
    private int queued;
    private int inflight;
    /** Batches sent before the last {@link #leadershipGained()} no longer count against the limit. */
    private long generation;

    /** Commands proposed together: how many, their encoding ({@link CommandCodec#encodeEnvelopes}), their replies. */
    private record Pending(int count, byte[] encoded, CompletableFuture<List<Reply>> replies) {
    }

    /**
     * @param submit replicates an entry and completes with its answer, the entry's replies
     *               ({@link CommandCodec#encodeReplies})
     */
    public Proposer(Function<byte[], CompletableFuture<Answer>> submit, int maxBatch, int maxInflight) {
        this(submit, maxBatch, maxInflight, Integer.MAX_VALUE, System::nanoTime);
    }

    /**
     * @param maxQueued commands that may wait for a batch; past that, proposals are refused
     * @param nanoClock measures how fast batches are applied (for Retry-After)
     */
    public Proposer(Function<byte[], CompletableFuture<Answer>> submit, int maxBatch, int maxInflight, int maxQueued,
                    java.util.function.LongSupplier nanoClock) {
        this.submit = submit;
        this.maxBatch = maxBatch;
        this.maxInflight = maxInflight;
        this.maxQueued = maxQueued;
        this.applied = new DrainRate(nanoClock);
    }

    /** Queues one command; completes with its reply once applied, or exceptionally ({@link Overloaded} when the queue is full). */
    public CompletableFuture<Reply> propose(Envelope e) {
        return proposeAll(List.of(e)).thenApply(r -> r.get(0));
    }

    /** As {@link #propose}, never refused for a full queue: for the server's own commands. */
    public CompletableFuture<Reply> proposeOwn(Envelope e) {
        return enqueue(List.of(e), false).thenApply(r -> r.get(0));
    }

    /**
     * Queues commands that must be applied in one log entry, in this order; completes with
     * their replies, in the same order, once applied, or exceptionally. {@link Overloaded} when
     * they do not fit in the queue; a group alone in an empty queue always does.
     */
    public CompletableFuture<List<Reply>> proposeAll(List<Envelope> envelopes) {
        return enqueue(envelopes, true);
    }

    /** Commands waiting for a batch now. */
    public synchronized int queued() {
        return queued;
    }

    private CompletableFuture<List<Reply>> enqueue(List<Envelope> envelopes, boolean bounded) {
        if (envelopes.isEmpty()) {
            throw new IllegalArgumentException("no commands to propose");
        }
        int count = envelopes.size();
        CompletableFuture<List<Reply>> f = new CompletableFuture<>();
        Pending p = new Pending(count, CommandCodec.encodeEnvelopes(envelopes), f);
        synchronized (this) {
            if (bounded && queued > 0 && (long) queued + count > maxQueued) {
                return CompletableFuture.failedFuture(new Overloaded(queued + " commands are already waiting to be"
                        + " proposed on this server (max-queued-proposals " + maxQueued + ")",
                        applied.retryAfterSeconds((long) queued + count)));
            }
            queue.add(p);
            queued += count;
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
                        && (batch.isEmpty() || commands + queue.peek().count() <= maxBatch)) {
                    Pending p = queue.poll();
                    batch.add(p);
                    commands += p.count();
                    queued -= p.count();
                }
            }
            send(batch, gen);
        }
    }

    private void send(List<Pending> batch, long gen) {
        int commands = 0;
        List<byte[]> parts = new ArrayList<>(batch.size());
        for (Pending p : batch) {
            commands += p.count();
            parts.add(p.encoded());
        }
        int expected = commands;
        CompletableFuture<Answer> sent;
        try {
            sent = submit.apply(CommandCodec.entry(commands, parts));
        } catch (RuntimeException ex) {
            sent = CompletableFuture.failedFuture(ex);
        }
        sent.whenComplete((answer, err) -> {
            List<Reply> replies = null;
            Throwable failure = err;
            if (failure == null) {
                try {
                    replies = answer.value(CommandCodec::decodeReplies);
                    if (replies.size() != expected) {
                        failure = new IllegalStateException(
                                "entry answered " + replies.size() + " replies for " + expected + " commands");
                    }
                } catch (RuntimeException ex) {
                    failure = ex;
                }
            }
            synchronized (this) {
                if (gen == generation) {
                    inflight--;
                }
            }
            if (failure == null) {
                applied.done(expected);
            }
            drain(); // the next batch leaves now; this one's callers continue on this thread below
            if (failure != null) {
                Throwable f = failure;
                batch.forEach(p -> p.replies().completeExceptionally(f));
                return;
            }
            int at = 0;
            for (Pending p : batch) {
                p.replies().complete(List.copyOf(replies.subList(at, at + p.count())));
                at += p.count();
            }
        });
    }
}
