package io.agentd.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ApiRequestTest {

  @Test
  void pathSegmentsAreEncodedSoASlashInAKeyStaysInItsSegment() {
    assertThat(Api.getMetadata("default", "a1", "ckpt/step 1").path())
        .isEqualTo("/v1/namespaces/default/agents/a1/metadata/ckpt%2Fstep%201");
  }

  @Test
  void readOptionsAddStaleAndBlockingParameters() {
    assertThat(Api.listWorkers().withRead(ReadOptions.staleRead()).pathAndQuery())
        .isEqualTo("/v1/workers?stale=true");
    ApiRequest<?> blocking = Api.clusterStatus().withRead(ReadOptions.blocking(12, Duration.ofSeconds(30)));
    assertThat(blocking.pathAndQuery()).isEqualTo("/v1/cluster/status?index=12&wait=30s");
    assertThat(blocking.serverWait()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void readOptionsDoNotApplyToWritesNorKeysToReads() {
    assertThatThrownBy(() -> Api.stopAgent("d", "a").withRead(ReadOptions.staleRead()))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> Api.getAgent("d", "a").withIdempotencyKey("k"))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> Api.stopAgent("d", "a").withIdempotencyKey("has space"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void blockingReadNeedsIndexAndWaitTogether() {
    assertThatThrownBy(() -> ReadOptions.blocking(3, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
  }
}
