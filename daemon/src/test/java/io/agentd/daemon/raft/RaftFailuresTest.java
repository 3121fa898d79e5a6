package io.agentd.daemon.raft;

import org.apache.ratis.protocol.exceptions.AlreadyClosedException;
import org.apache.ratis.protocol.exceptions.NotLeaderException;
import org.apache.ratis.protocol.exceptions.RaftRetryFailureException;
import org.apache.ratis.protocol.exceptions.ResourceUnavailableException;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.apache.ratis.protocol.exceptions.TimeoutIOException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;

class RaftFailuresTest {

    @Test
    void timeoutsAndExhaustedRetriesEndingInATimeoutMeanTheOutcomeIsUnknown() {
        assertThat(RaftFailures.translate(new CompletionException(new TimeoutIOException("slow")), "write"))
                .isInstanceOf(RaftTimeoutException.class);
        assertThat(RaftFailures.translate(
                new RaftRetryFailureException(null, 10, null, new TimeoutIOException("slow")), "write"))
                .isInstanceOf(RaftTimeoutException.class);
    }

    @Test
    void aLeaderWithTooManyWritesPendingRefusesThemAsOverloadNotAsUnavailable() {
        assertThat(RaftFailures.translate(new CompletionException(
                new ResourceUnavailableException("pending requests: 4096 exceeds 4096")), "write"))
                .isInstanceOf(RaftOverloadedException.class).hasMessageContaining("too many writes pending");
        assertThat(RaftFailures.translate(new RaftRetryFailureException(null, 10, null,
                new ResourceUnavailableException("full")), "write")).isInstanceOf(RaftOverloadedException.class);
    }

    @Test
    void leadershipAndConnectionTroubleMeansUnavailable() {
        assertThat(RaftFailures.translate(new CompletionException(new AlreadyClosedException("closed")), "write"))
                .isInstanceOf(RaftUnavailableException.class);
        assertThat(RaftFailures.translate(new IOException("connection refused"), "write"))
                .isInstanceOf(RaftUnavailableException.class);
        assertThat(RaftFailures.translate(
                new RaftRetryFailureException(null, 10, null, new IOException("refused")), "write"))
                .isInstanceOf(RaftUnavailableException.class);
    }

    @Test
    void aStateMachineRefusalOrABugIsNeitherTimeoutNorUnavailable() {
        RaftException refused = RaftFailures.translate(new StateMachineException("bad entry"), "write");
        assertThat(refused).isExactlyInstanceOf(RaftException.class);
        assertThat(RaftFailures.translate(new NullPointerException("bug"), "write"))
                .isExactlyInstanceOf(RaftException.class);
    }

    @Test
    void onlyFailuresThatEndTheOrderedClientWindowReplaceTheClient() {
        assertThat(RaftFailures.poisonsClient(new CompletionException(
                new RaftRetryFailureException(null, 3, null, new IOException())))).isTrue();
        assertThat(RaftFailures.poisonsClient(new AlreadyClosedException("closed"))).isTrue();
        assertThat(RaftFailures.poisonsClient(new IllegalStateException())).isTrue();
        assertThat(RaftFailures.poisonsClient(new StateMachineException("refused"))).isFalse();
        assertThat(RaftFailures.poisonsClient(new NotLeaderException(null, null, null))).isFalse();
    }
}
