package io.agentd.worker;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class LeaseTimingsTest {
    @Test
    void unsetTimingsFollowTheTtlAndAreTodaysDefaultsFromTenSecondsUp() {
        WorkerConfig unset = new WorkerConfig();
        assertThat(LeaseTimings.derive(Duration.ofSeconds(10), unset)).isEqualTo(new LeaseTimings(Duration.ofSeconds(10),
                Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(2)));
        assertThat(LeaseTimings.derive(Duration.ofMinutes(1), unset)).isEqualTo(new LeaseTimings(Duration.ofMinutes(1),
                Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(2)));
        assertThat(LeaseTimings.derive(Duration.ofSeconds(3), unset)).isEqualTo(new LeaseTimings(Duration.ofSeconds(3),
                Duration.ofMillis(300), Duration.ofMillis(300), Duration.ofMillis(600)));
        assertThat(LeaseTimings.derive(Duration.ofSeconds(2), unset)).isEqualTo(new LeaseTimings(Duration.ofSeconds(2),
                Duration.ofMillis(200), Duration.ofMillis(250), Duration.ofMillis(400)));
    }

    @Test
    void derivedTimingsFitEveryTtlFromSevenHundredFiftyMillisecondsUp() {
        WorkerConfig unset = new WorkerConfig();
        for (long ms = 750; ms <= 600_000; ms += ms < 20_000 ? 10 : 1000) {
            LeaseTimings t = LeaseTimings.derive(Duration.ofMillis(ms), unset);
            assertThat(t.misfit(unset)).as("TTL %d ms", ms).isNull();
            assertThat(t.fenceMargin()).as("TTL %d ms", ms).isGreaterThanOrEqualTo(LeaseTimings.MIN_FENCE_MARGIN);
        }
        assertThat(LeaseTimings.derive(Duration.ofMillis(700), unset).misfit(unset))
                .contains("worker-ttl of 700 ms").endsWith("raise worker-ttl on the servers");
    }

    @Test
    void timingsSetByHandAreKeptAndAMisfitNamesThemAndTheTtl() {
        WorkerConfig c = new WorkerConfig();
        c.fenceMargin = Duration.ofSeconds(1);
        c.stopGrace = Duration.ofSeconds(2);
        LeaseTimings t = LeaseTimings.derive(Duration.ofSeconds(3), c);
        assertThat(t).isEqualTo(new LeaseTimings(Duration.ofSeconds(3), Duration.ofMillis(300), Duration.ofSeconds(1),
                Duration.ofSeconds(2)));
        assertThat(t.misfit(c)).startsWith("the coordinators' worker-ttl of 3000 ms leaves no time to run agents")
                .contains("set here: --fence-margin 1000ms, --stop-grace 2000ms")
                .doesNotContain("--heartbeat-interval");
        // The same settings fit a longer TTL.
        assertThat(LeaseTimings.derive(Duration.ofSeconds(10), c).misfit(c)).isNull();
    }

    @Test
    void beforeTheFirstRenewalTheTimingsAreThoseOfATenSecondTtl() {
        WorkerConfig c = new WorkerConfig();
        c.heartbeatInterval = Duration.ofMillis(300);
        assertThat(LeaseTimings.provisional(c)).isEqualTo(new LeaseTimings(Duration.ZERO, Duration.ofMillis(300),
                Duration.ofSeconds(1), Duration.ofSeconds(2)));
    }
}
