package io.agentd.daemon.coordinator;

import io.agentd.daemon.raft.Answer;
import io.agentd.statemachine.codec.CommandCodec;
import io.agentd.statemachine.command.Command;
import io.agentd.statemachine.command.Envelope;
import io.agentd.statemachine.command.Reply;
import io.agentd.statemachine.model.Quota;
import io.agentd.statemachine.store.MemoryStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every replica answers an entry, with the same bytes. A client whose leader died retries its
 * write at the next leader, and Ratis answers the retry from its retry cache with what that node
 * returned when it applied the entry as a follower: an empty answer there was an internal error
 * for a write that had been applied (seen in a failover benchmark).
 */
class RegistryReplicaAnswerTest {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    private RegistryReplica replica() {
        return new RegistryReplica(new MemoryStore(), new RevisionWaiters(timer, Runnable::run));
    }

    private static Envelope create(String name) {
        return new Envelope(null, "test", new Command.CreateNamespace(name, new Quota(null, null)));
    }

    @Test
    void aFollowerAnswersEachEntryWithTheBytesTheLeaderAnswered() {
        RegistryReplica leader = replica();
        RegistryReplica follower = replica();
        byte[][] entries = {
                CommandCodec.encodeBatch(List.of(create("a"), create("b"))),
                CommandCodec.encodeBatch(List.of(create("a"), create("c"))), // "a" exists: a rejection
        };
        for (int i = 0; i < entries.length; i++) {
            Answer fromLeader = leader.apply(1, i + 1, 1_000L + i, entries[i]);
            Answer fromFollower = follower.apply(1, i + 1, 1_000L + i, entries[i]);
            assertThat(fromFollower).isNotNull();
            byte[] bytes = fromFollower.bytes();
            assertThat(bytes).isNotEmpty().isEqualTo(fromLeader.bytes());
            List<Reply> replies = CommandCodec.decodeReplies(bytes);
            assertThat(replies).hasSize(2).isEqualTo(fromLeader.value(CommandCodec::decodeReplies));
        }
    }
}
