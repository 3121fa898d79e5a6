package io.agentd.worker;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayDeque;

import static org.assertj.core.api.Assertions.assertThat;

class RestartPolicyTest {
    private final RestartPolicy policy = new RestartPolicy(3, Duration.ofSeconds(60));

    @Test
    void thePolicyDecidesWhetherAnExitIsRestarted() {
        ArrayDeque<Long> h = new ArrayDeque<>();
        assertThat(policy.afterExit("never", 1, h, 0)).isEqualTo(new RestartPolicy.End("failed", false));
        assertThat(policy.afterExit("never", 0, h, 0)).isEqualTo(new RestartPolicy.End("stopped", false));
        assertThat(policy.afterExit("on-failure", 0, h, 0)).isEqualTo(new RestartPolicy.End("stopped", false));
        assertThat(policy.afterExit("on-failure", 2, h, 0)).isInstanceOf(RestartPolicy.Restart.class);
        assertThat(policy.afterExit("always", 0, new ArrayDeque<>(), 0)).isInstanceOf(RestartPolicy.Restart.class);
    }

    @Test
    void backoffDoublesAndTheIntensityLimitCountsRestartsInTheWindowOnly() {
        ArrayDeque<Long> h = new ArrayDeque<>();
        long s = 1_000_000_000L;
        assertThat(policy.afterExit("always", 1, h, 0)).isEqualTo(new RestartPolicy.Restart(Duration.ofMillis(200)));
        assertThat(policy.afterExit("always", 1, h, s)).isEqualTo(new RestartPolicy.Restart(Duration.ofMillis(400)));
        assertThat(policy.afterExit("always", 1, h, 2 * s)).isEqualTo(new RestartPolicy.Restart(Duration.ofMillis(800)));
        assertThat(policy.afterExit("always", 1, h, 3 * s)).isEqualTo(new RestartPolicy.End("failed", true));
        // 61 s after the first restart, that one has left the window.
        assertThat(policy.afterExit("always", 1, h, 61 * s)).isInstanceOf(RestartPolicy.Restart.class);
    }

    @Test
    void backoffStopsGrowingAtTenSeconds() {
        RestartPolicy lenient = new RestartPolicy(100, Duration.ofSeconds(60));
        ArrayDeque<Long> h = new ArrayDeque<>();
        RestartPolicy.Next last = null;
        for (int i = 0; i < 20; i++) {
            last = lenient.afterExit("always", 1, h, i);
        }
        assertThat(last).isEqualTo(new RestartPolicy.Restart(Duration.ofSeconds(10)));
    }
}
