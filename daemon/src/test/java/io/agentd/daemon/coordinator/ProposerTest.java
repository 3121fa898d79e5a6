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
}
