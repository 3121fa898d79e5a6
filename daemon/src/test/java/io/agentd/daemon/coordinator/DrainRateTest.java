package io.agentd.daemon.coordinator;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class DrainRateTest {
    private long now;
    private final DrainRate rate = new DrainRate(() -> now);

    @Test
    void aSteadyRateIsReadAsItsItemsPerSecond() {
        for (int ms = 0; ms < 10_000; ms += 10) {
            now = ms * 1_000_000L;
            rate.done(5); // 500 a second
        }
        assertThat(rate.perSecond()).isCloseTo(500, within(30.0));
        assertThat(rate.retryAfterSeconds(100)).isEqualTo(1);
        assertThat(rate.retryAfterSeconds(2_000)).isEqualTo(4);
    }

    @Test
    void withNothingDoneLatelyTheAdviceIsToAskAgainSoon() {
        assertThat(rate.retryAfterSeconds(1_000_000)).isEqualTo(1);
        rate.done(1000);
        now += 120_000_000_000L; // two minutes of nothing
        assertThat(rate.perSecond()).isLessThan(1e-3);
        assertThat(rate.retryAfterSeconds(1_000_000)).isEqualTo(1);
    }

    @Test
    void theAdviceIsCapped() {
        for (int ms = 0; ms < 5_000; ms += 100) {
            now = ms * 1_000_000L;
            rate.done(1); // 10 a second
        }
        assertThat(rate.retryAfterSeconds(1_000_000)).isEqualTo(DrainRate.MAX_RETRY_AFTER_SECONDS);
    }
}
