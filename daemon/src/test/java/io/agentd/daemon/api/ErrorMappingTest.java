package io.agentd.daemon.api;

import io.agentd.daemon.coordinator.Overloaded;
import io.agentd.daemon.raft.RaftOverloadedException;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;

class ErrorMappingTest {
    @Test
    void refusalsForLoadAre429WithTheirRetryAfterAtEveryLayer() {
        ApiException queue = ErrorMapping.map(new CompletionException(new Overloaded("queue full", 3)));
        assertThat(queue.status()).isEqualTo(429);
        assertThat(queue.code()).isEqualTo("TOO_MANY_REQUESTS");
        assertThat(queue.retryAfterSeconds()).isEqualTo(3);

        ApiException raft = ErrorMapping.map(new RaftOverloadedException("1024 writes are already in flight", null));
        assertThat(raft.status()).as("not 503: nothing was appended").isEqualTo(429);
        assertThat(raft.retryAfterSeconds()).isEqualTo(1);
    }

    @Test
    void aRetryAfterIsNeverLessThanASecond() {
        assertThat(new Overloaded("x", 0).retryAfterSeconds()).isEqualTo(1);
        assertThat(ApiException.tooManyRequests("x", 0).retryAfterSeconds()).isEqualTo(1);
        assertThat(ApiException.insufficientStorage("x").status()).isEqualTo(507);
        assertThat(ApiException.insufficientStorage("x").retryAfterSeconds()).isZero();
    }
}
