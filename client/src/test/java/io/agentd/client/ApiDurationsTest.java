package io.agentd.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ApiDurationsTest {

  @Test
  void writesTheShortestExactUnit() {
    assertThat(ApiDurations.format(Duration.ofMillis(250))).isEqualTo("250ms");
    assertThat(ApiDurations.format(Duration.ofSeconds(3))).isEqualTo("3s");
    assertThat(ApiDurations.format(Duration.ofSeconds(90))).isEqualTo("90s");
    assertThat(ApiDurations.format(Duration.ofMinutes(1))).isEqualTo("1m");
    assertThat(ApiDurations.format(Duration.ofHours(2))).isEqualTo("2h");
    assertThat(ApiDurations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    assertThat(ApiDurations.format(Duration.ZERO)).isEqualTo("0s");
  }

  @Test
  void keepsASubMillisecondWaitPositive() {
    assertThat(ApiDurations.format(Duration.ofNanos(10))).isEqualTo("1ms");
  }
}
