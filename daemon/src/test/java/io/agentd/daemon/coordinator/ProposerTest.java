package io.agentd.daemon.coordinator;

import io.agentd.daemon.raft.Answer;
import io.agentd.statemachine.codec.CommandCodec;
import io.agentd.statemachine.command.Command;
import io.agentd.statemachine.command.Envelope;
import io.agentd.statemachine.command.Reply;
import io.agentd.statemachine.model.Quota;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

class ProposerTest {
    /** Records every batch sent; each stays in flight until the test completes it. */
    private final List<List<Envelope>> sent = new ArrayList<>();
    private final List<CompletableFuture<Answer>> inFlight = new ArrayList<>();
    private final Proposer proposer = new Proposer(bytes -> {
        CompletableFuture<Answer> f = new CompletableFuture<>();
        synchronized (this) {
            sent.add(CommandCodec.decodeBatch(bytes));
            inFlight.add(f);
        }
        return f;
    }, 100, 1);

    private static Envelope ns(String name) {
        return new Envelope(null, "test", new Command.CreateNamespace(name, new Quota(null, null)));
    }

    private void answer(int batch) {
        List<Reply> replies = new ArrayList<>();
        sent.get(batch).forEach(e -> replies.add(Reply.ok(1, true, null)));
        inFlight.get(batch).complete(Answer.ofBytes(CommandCodec.encodeReplies(replies)));
    }

    @Test
    void commandsWaitingBehindABatchLeaveTogetherInTheNext() {
        CompletableFuture<Reply> a = proposer.propose(ns("a"));
        CompletableFuture<Reply> b = proposer.propose(ns("b"));
        CompletableFuture<Reply> c = proposer.propose(ns("c"));
        assertThat(sent).hasSize(1);
        answer(0);
        assertThat(a).isCompleted();
        assertThat(sent).hasSize(2);
        assertThat(sent.get(1)).extracting(e -> ((Command.CreateNamespace) e.command()).name()).containsExactly("b", "c");
        answer(1);
        assertThat(b).isCompleted();
        assertThat(c).isCompleted();
    }

    @Test
    void aNewLeaderDoesNotWaitForTheBatchItSentAsAFollower() {
        CompletableFuture<Reply> old = proposer.propose(ns("old"));
        CompletableFuture<Reply> waiting = proposer.propose(ns("waiting"));
        assertThat(sent).hasSize(1); // "waiting" queues behind the batch in flight

        proposer.leadershipGained();
        assertThat(sent).hasSize(2); // sent at once
        assertThat(sent.get(1)).extracting(e -> ((Command.CreateNamespace) e.command()).name()).containsExactly("waiting");

        // The old batch completing must not free a second slot: the limit still holds afterwards.
        answer(0);
        assertThat(old).isCompleted();
        proposer.propose(ns("next"));
        assertThat(sent).hasSize(2);
        answer(1);
        assertThat(waiting).isCompleted();
        assertThat(sent).hasSize(3);
    }

    @Test
    void theNextBatchLeavesBeforeTheRepliesOfTheLastAreHandedOut() {
        CompletableFuture<Reply> a = proposer.propose(ns("a"));
        proposer.propose(ns("b"));
        List<Integer> sentWhenAnswered = new ArrayList<>();
        a.thenRun(() -> sentWhenAnswered.add(sent.size()));
        answer(0);
        assertThat(sentWhenAnswered).containsExactly(2);
    }

    @Test
    void anAnswerMadeInThisProcessIsTakenAsItIsAndOneFromTheNetworkIsDecoded() {
        CompletableFuture<List<Reply>> local = proposer.proposeAll(List.of(ns("a"), ns("b")));
        List<Reply> replies = List.of(Reply.ok(1, true, null), Reply.ok(2, true, null));
        inFlight.get(0).complete(Answer.of(replies, r -> {
            throw new AssertionError("encoded, though nobody needed the bytes");
        }));
        assertThat(local.join()).isEqualTo(replies);

        CompletableFuture<List<Reply>> remote = proposer.proposeAll(List.of(ns("c"), ns("d")));
        inFlight.get(1).complete(Answer.ofBytes(CommandCodec.encodeReplies(replies)));
        assertThat(remote.join()).isEqualTo(replies);
    }

    @Test
    void anAnswerWithTheWrongNumberOfRepliesFailsTheBatchAndTheNextStillLeaves() {
        CompletableFuture<Reply> a = proposer.propose(ns("a"));
        CompletableFuture<Reply> b = proposer.propose(ns("b"));
        inFlight.get(0).complete(Answer.ofBytes(CommandCodec.encodeReplies(List.of())));
        assertThat(a).isCompletedExceptionally();
        assertThat(sent).hasSize(2);
        answer(1);
        assertThat(b).isCompleted();
    }

    @Test
    void theEntryHoldsTheCommandsInTheOrderTheyWereProposed() {
        proposer.propose(ns("a"));
        proposer.proposeAll(List.of(ns("b"), ns("c")));
        proposer.propose(ns("d"));
        answer(0);
        assertThat(sent.get(1)).extracting(e -> ((Command.CreateNamespace) e.command()).name())
                .containsExactly("b", "c", "d");
    }

    @Test
    void pastTheQueueBoundAWriteIsRefusedAtOnceWithARetryAfterAndNothingIsQueued() {
        long[] now = {0};
        Proposer bounded = new Proposer(bytes -> {
            CompletableFuture<Answer> f = new CompletableFuture<>();
            synchronized (this) {
                sent.add(CommandCodec.decodeBatch(bytes));
                inFlight.add(f);
            }
            return f;
        }, 100, 1, 3, () -> now[0]);
        bounded.propose(ns("in-flight"));
        List<CompletableFuture<Reply>> waiting = new ArrayList<>();
        for (String n : List.of("q1", "q2", "q3")) {
            waiting.add(bounded.propose(ns(n)));
        }
        assertThat(bounded.queued()).isEqualTo(3);

        CompletableFuture<Reply> refused = bounded.propose(ns("one-too-many"));
        assertThat(refused).isCompletedExceptionally();
        assertThat(refusal(refused)).hasMessageContaining("max-queued-proposals 3");
        assertThat(refusal(refused).retryAfterSeconds()).isEqualTo(1);
        assertThat(bounded.queued()).as("the refused write was not queued").isEqualTo(3);
        // A group that does not fit is refused whole.
        assertThat(bounded.proposeAll(List.of(ns("g1"), ns("g2")))).isCompletedExceptionally();

        // The server's own commands are never refused.
        CompletableFuture<Reply> own = bounded.proposeOwn(ns("lease-expiry"));
        assertThat(own).isNotCompletedExceptionally();
        assertThat(bounded.queued()).isEqualTo(4);

        answer(0); // the queue leaves in the next batch: there is room again
        assertThat(bounded.queued()).isZero();
        assertThat(bounded.propose(ns("later"))).isNotCompletedExceptionally();
        answer(1);
        assertThat(waiting).allMatch(CompletableFuture::isDone).noneMatch(CompletableFuture::isCompletedExceptionally);
        assertThat(own).isCompleted();
    }

    @Test
    void aGroupAloneInAnEmptyQueueIsAcceptedEvenWhenLargerThanTheBound() {
        Proposer bounded = new Proposer(bytes -> new CompletableFuture<>(), 100, 1, 2, System::nanoTime);
        bounded.propose(ns("in-flight"));
        assertThat(bounded.proposeAll(List.of(ns("a"), ns("b"), ns("c")))).isNotCompletedExceptionally();
        assertThat(bounded.queued()).isEqualTo(3);
    }

    @Test
    void theRetryAfterFollowsHowFastBatchesHaveBeenApplied() {
        long[] now = {0};
        List<CompletableFuture<Answer>> flights = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        Proposer bounded = new Proposer(bytes -> {
            CompletableFuture<Answer> f = new CompletableFuture<>();
            flights.add(f);
            sizes.add(CommandCodec.decodeBatch(bytes).size());
            return f;
        }, 1000, 1, 1000, () -> now[0]);
        // Ten commands applied per second, for a few seconds.
        bounded.propose(ns("first"));
        for (int second = 0; second < 5; second++) {
            for (int i = 0; i < 10; i++) {
                bounded.propose(ns("c" + second + "-" + i));
            }
            now[0] += 1_000_000_000L;
            int batch = flights.size() - 1;
            List<Reply> replies = new ArrayList<>();
            for (int i = 0; i < sizes.get(batch); i++) {
                replies.add(Reply.ok(1, true, null));
            }
            flights.get(batch).complete(Answer.ofBytes(CommandCodec.encodeReplies(replies)));
        }
        for (int i = 0; i < 1000; i++) {
            bounded.propose(ns("backlog" + i));
        }
        CompletableFuture<Reply> over = bounded.propose(ns("over"));
        assertThat(over).isCompletedExceptionally();
        // A thousand waiting at about ten a second: well over the cap of the estimate.
        assertThat(refusal(over).retryAfterSeconds()).isEqualTo(DrainRate.MAX_RETRY_AFTER_SECONDS);
    }

    /** The Overloaded a refused proposal failed with. */
    private static Overloaded refusal(CompletableFuture<?> refused) {
        Throwable e = refused.handle((r, err) -> err).join();
        if (e instanceof java.util.concurrent.CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        assertThat(e).isInstanceOf(Overloaded.class);
        return (Overloaded) e;
    }
}
