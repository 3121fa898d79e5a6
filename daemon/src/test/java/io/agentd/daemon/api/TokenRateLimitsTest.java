package io.agentd.daemon.api;

import io.agentd.daemon.config.RequestRate;
import io.agentd.daemon.coordinator.Principal;
import io.agentd.statemachine.model.Role;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Collections;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class TokenRateLimitsTest {
    private long now;

    private static Principal token(String id, Role role) {
        return new Principal(id, role, Collections.emptySortedSet(), role == Role.WORKER ? "w1" : null);
    }

    @Test
    void aTokenMaySpendItsBurstThenGetsItsRateAndIsToldWhenTheNextRequestFits() {
        TokenRateLimits limits = new TokenRateLimits(Map.of("operator", RequestRate.parse("10/s")), Duration.ofSeconds(1),
                () -> now);
        Principal op = token("t-op", Role.OPERATOR);
        for (int i = 0; i < 10; i++) {
            limits.check(op); // one second's worth at once
        }
        ApiException refused = catchThrowableOfType(() -> limits.check(op), ApiException.class);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.code()).isEqualTo("TOO_MANY_REQUESTS");
        assertThat(refused.retryAfterSeconds()).isEqualTo(1);
        assertThat(refused.getMessage()).contains("token t-op", "10/s", "operator");

        now += 100_000_000L; // a tenth of a second: one more request
        limits.check(op);
        assertThatThrownBy(() -> limits.check(op)).isInstanceOf(ApiException.class);
    }

    @Test
    void eachTokenHasItsOwnBucketAndUnnamedRolesAndAnonymousAreNotCapped() {
        TokenRateLimits limits = new TokenRateLimits(Map.of("reader", RequestRate.parse("1/s"),
                "admin", RequestRate.OFF), Duration.ofSeconds(1), () -> now);
        limits.check(token("r1", Role.READER));
        limits.check(token("r2", Role.READER));
        assertThatThrownBy(() -> limits.check(token("r1", Role.READER))).isInstanceOf(ApiException.class);
        for (int i = 0; i < 1000; i++) {
            limits.check(token("a1", Role.ADMIN));
            limits.check(token("op", Role.OPERATOR));
            limits.check(Principal.ANONYMOUS);
        }
    }

    @Test
    void aSlowRateAdvisesAWaitOfManySeconds() {
        TokenRateLimits limits = new TokenRateLimits(Map.of("worker", RequestRate.parse("6/m")), Duration.ofSeconds(10),
                () -> now);
        Principal w = token("tw", Role.WORKER);
        limits.check(w); // the burst: 10 s at 6/m is one request
        ApiException refused = catchThrowableOfType(() -> limits.check(w), ApiException.class);
        assertThat(refused.retryAfterSeconds()).isEqualTo(10);
    }

    @Test
    void idleTokensBucketsAreDroppedOnceFullAgain() {
        TokenRateLimits limits = new TokenRateLimits(Map.of("reader", RequestRate.parse("100/s")), Duration.ofSeconds(1),
                () -> now);
        limits.check(token("busy", Role.READER));
        limits.check(token("idle", Role.READER));
        assertThat(limits.sweep()).isEqualTo(2);
        now += 2_000_000_000L;
        limits.check(token("busy", Role.READER));
        assertThat(limits.sweep()).as("only the token that just sent is left").isEqualTo(1);
    }
}
