package io.agentd.daemon.raft;

import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a successful write reply becomes for the caller (WritePath.completeWrite). */
class WriteAnswerTest {
    private static RaftClientReply reply(Message m) {
        return RaftClientReply.newBuilder()
                .setClientId(ClientId.randomId())
                .setServerId(RaftPeerId.valueOf("n1"))
                .setGroupId(RaftGroupId.randomId())
                .setCallId(7)
                .setSuccess(true)
                .setMessage(m)
                .build();
    }

    @Test
    void anAnswerMadeInThisProcessIsHandedOverAsItIs() throws Exception {
        Answer a = Answer.of("value", s -> s.getBytes());
        CompletableFuture<Answer> result = new CompletableFuture<>();
        WritePath.completeWrite(result, reply(a));
        assertThat(result.get()).isSameAs(a);
    }

    @Test
    void bytesFromAnotherNodeBecomeAnAnswerOfThoseBytes() throws Exception {
        CompletableFuture<Answer> result = new CompletableFuture<>();
        WritePath.completeWrite(result, reply(Message.valueOf("xyz")));
        assertThat(result.get().bytes()).isEqualTo("xyz".getBytes());
    }

    @Test
    void anEmptyAnswerIsAnErrorThatSaysTheWriteWasAppliedAndHowToGetItsAnswer() {
        CompletableFuture<Answer> result = new CompletableFuture<>();
        WritePath.completeWrite(result, reply(Message.EMPTY));
        assertThatThrownBy(result::get)
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(RaftUnavailableException.class)
                .hasMessageContaining("was applied")
                .hasMessageContaining("Idempotency-Key");
    }
}
