package io.agentd.daemon.api;

import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.agentd.daemon.api.Admission.Kind.READ;
import static io.agentd.daemon.api.Admission.Kind.UNCOUNTED;
import static io.agentd.daemon.api.Admission.Kind.WRITE;
import static org.assertj.core.api.Assertions.assertThat;

class AdmissionTest {
    private long now;

    @Test
    void writesAreShedAtThreeQuartersOfTheBoundReadsOnlyAtTheBound() {
        Admission a = new Admission(8, Duration.ZERO, () -> now);
        for (int i = 0; i < 6; i++) {
            assertThat(a.tryAdmit(WRITE)).as("write " + i).isTrue();
        }
        assertThat(a.tryAdmit(WRITE)).as("the seventh write").isFalse();
        assertThat(a.tryAdmit(READ)).isTrue();
        assertThat(a.tryAdmit(READ)).isTrue();
        assertThat(a.tryAdmit(READ)).as("the ninth request").isFalse();
        assertThat(a.tryAdmit(UNCOUNTED)).as("health checks and metrics are never shed").isTrue();
        assertThat(a.held()).isEqualTo(8);

        ApiException refusal = a.refusal(WRITE);
        assertThat(refusal.status()).isEqualTo(429);
        assertThat(refusal.code()).isEqualTo("TOO_MANY_REQUESTS");
        assertThat(refusal.retryAfterSeconds()).isGreaterThanOrEqualTo(1);
        assertThat(refusal.getMessage()).contains("holds 8 requests", "writes is 6", "max-inflight-requests 8");

        a.release(READ, now, true);
        assertThat(a.tryAdmit(WRITE)).as("still 7 held: over the write bound").isFalse();
        a.release(WRITE, now, true);
        a.release(WRITE, now, true);
        assertThat(a.tryAdmit(WRITE)).isTrue();
        a.release(UNCOUNTED, now, true);
        assertThat(a.held()).isEqualTo(6);
    }

    @Test
    void aReleasedPlaceIsTakenOnceWhenManyThreadsRace() throws Exception {
        Admission a = new Admission(100, Duration.ZERO, System::nanoTime);
        Thread[] threads = new Thread[8];
        int[] admitted = new int[threads.length];
        for (int t = 0; t < threads.length; t++) {
            int me = t;
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 10_000; i++) {
                    if (a.tryAdmit(READ)) {
                        admitted[me]++;
                        a.release(READ, now, true);
                    }
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(a.held()).isZero();
        assertThat(admitted).containsOnly(10_000);
    }

    /**
     * One write a millisecond from {@code fromMs} to {@code toMs} (each must be admitted), each
     * answered {@code latencyMs} after it came, oldest first.
     */
    private void steadyLoad(Admission a, java.util.ArrayDeque<Long> open, int fromMs, int toMs, int latencyMs) {
        for (int ms = fromMs; ms < toMs; ms++) {
            now = ms * 1_000_000L;
            assertThat(a.tryAdmit(WRITE)).as("write at %d ms", ms).isTrue();
            open.add(now);
            while (!open.isEmpty() && now - open.peek() >= latencyMs * 1_000_000L) {
                a.release(WRITE, open.poll(), true);
            }
        }
    }

    @Test
    void writesAreShedWhileAQueueStandsSoThatAdmittedOnesWaitAboutTheTarget() {
        Admission a = new Admission(100_000, Duration.ofMillis(100), () -> now);
        java.util.ArrayDeque<Long> open = new java.util.ArrayDeque<>();
        // 1,000 writes/s for 3 s, each answered 50 ms after it came: 50 held, none refused; B = 50 ms.
        steadyLoad(a, open, 0, 3_000, 50);
        assertThat(a.writesHeld()).isEqualTo(50);

        // 2,000 writes/s offered for 4 s; the server answers 1,000 a second, oldest first.
        long from = now;
        int offered = 0;
        int admitted = 0;
        long lastSecondWaits = 0;
        int lastSecondAnswers = 0;
        for (int step = 1; step <= 8_000; step++) {
            now = from + step * 500_000L;
            offered++;
            if (a.tryAdmit(WRITE)) {
                admitted++;
                open.add(now);
            }
            if (step % 10 == 0) {
                // A write refused on its way (a full proposal queue): answered at once, it waited for
                // nothing and must not hide the queue that stands.
                if (a.tryAdmit(WRITE)) {
                    a.release(WRITE, now, false);
                }
            }
            if (step % 2 == 0 && !open.isEmpty()) {
                long admittedAt = open.poll();
                a.release(WRITE, admittedAt, true);
                if (step > 6_000) {
                    lastSecondWaits += now - admittedAt;
                    lastSecondAnswers++;
                }
            }
        }
        assertThat(admitted).as("about what the server answers, 4,000 of %d", offered).isBetween(3_900, 4_600);
        assertThat(lastSecondWaits / lastSecondAnswers / 1_000_000L)
                .as("mean ms an answered write waited in the last second: near B + T = 150").isBetween(100L, 220L);
        ApiException refusal = a.refusal(WRITE);
        assertThat(refusal.status()).isEqualTo(429);
        assertThat(refusal.getMessage()).contains("writes wait too long", "write-delay-target", "beyond the 50 ms");
        assertThat(refusal.retryAfterSeconds()).isGreaterThanOrEqualTo(1);
        assertThat(a.tryAdmit(READ)).as("reads are not bounded by the writes' delay").isTrue();
        a.release(READ, now, true);

        // The server catches up at once: with few writes held, writes are admitted again.
        long caughtUp = now;
        while (!open.isEmpty()) {
            now += 10_000L;
            a.release(WRITE, Math.max(open.poll(), now - 5_000_000L), true);
        }
        now = caughtUp + 200_000_000L;
        assertThat(a.tryAdmit(WRITE)).isTrue();
        assertThat(a.writesHeld()).isEqualTo(1);
    }

    @Test
    void aPauseIsNotAStandingQueue() {
        Admission a = new Admission(100_000, Duration.ofMillis(100), () -> now);
        java.util.ArrayDeque<Long> open = new java.util.ArrayDeque<>();
        steadyLoad(a, open, 0, 3_000, 20);
        // A 500 ms pause (a collection, say): nothing is answered, writes keep coming; then all that
        // waited are answered at once and the server goes on as before.
        for (int ms = 3_000; ms < 3_500; ms++) {
            now = ms * 1_000_000L;
            assertThat(a.tryAdmit(WRITE)).as("during the pause, at %d ms", ms).isTrue();
            open.add(now);
        }
        for (int ms = 3_500; ms < 4_000; ms++) {
            now = ms * 1_000_000L;
            while (!open.isEmpty() && (ms < 3_510 || now - open.peek() >= 20_000_000L)) {
                a.release(WRITE, open.poll(), true);
            }
            assertThat(a.tryAdmit(WRITE)).as("after the pause, at %d ms", ms).isTrue();
            open.add(now);
        }
    }

    @Test
    void writesThatTakeLongByNatureAreNotThrottledForIt() {
        // Servers across regions: every write takes 400 ms, 4x the target, with no queue at all.
        Admission a = new Admission(100_000, Duration.ofMillis(100), () -> now);
        java.util.ArrayDeque<Long> open = new java.util.ArrayDeque<>();
        steadyLoad(a, open, 0, 5_000, 400);
        assertThat(a.writesHeld()).isEqualTo(400);
    }

    @Test
    void aBurstAfterAQuietSpellIsAdmittedUpToTheCountBound() {
        Admission a = new Admission(1_000, Duration.ofMillis(100), () -> now);
        now = 60_000_000_000L; // a minute without a write: no answer rate
        int admitted = 0;
        for (int i = 0; i < 2_000; i++) {
            if (a.tryAdmit(WRITE)) {
                admitted++;
            }
        }
        assertThat(admitted).as("three quarters of max-inflight-requests: the delay bound waits for the target to pass")
                .isEqualTo(750);
        now += 150_000_000L;
        assertThat(a.tryAdmit(WRITE)).isFalse();
        assertThat(a.refusal(WRITE).getMessage()).contains("holds 750 requests");
    }

    @Test
    void withoutATargetOnlyTheCountsBound() {
        Admission a = new Admission(1_000, Duration.ZERO, () -> now);
        for (int i = 0; i < 750; i++) {
            now += 1_000_000_000L;
            assertThat(a.tryAdmit(WRITE)).isTrue();
        }
        assertThat(a.tryAdmit(WRITE)).isFalse();
    }

    @Test
    void aRequestCountsByWhatItDoes() {
        assertThat(Admission.kind(HttpMethod.POST, "/v1/namespaces/default/agents")).isEqualTo(WRITE);
        assertThat(Admission.kind(HttpMethod.DELETE, "/v1/namespaces/default/agents/a1")).isEqualTo(WRITE);
        assertThat(Admission.kind(HttpMethod.PUT, "/v1/namespaces/default/agents/a1/metadata/k")).isEqualTo(WRITE);
        assertThat(Admission.kind(HttpMethod.GET, "/v1/namespaces/default/agents/a1")).isEqualTo(READ);
        assertThat(Admission.kind(HttpMethod.GET, "/v1/agents?stale=true")).isEqualTo(READ);
        assertThat(Admission.kind(HttpMethod.HEAD, "/v1/agents")).isEqualTo(READ);
        assertThat(Admission.kind(HttpMethod.POST, "/v1/workers/w1/heartbeat")).as("a lease renewal").isEqualTo(READ);
        assertThat(Admission.kind(HttpMethod.GET, "/v1/agents?index=5&wait=30s")).as("a blocking query")
                .isEqualTo(UNCOUNTED);
        assertThat(Admission.kind(HttpMethod.GET, "/v1/events?after=3&wait=1m")).isEqualTo(UNCOUNTED);
        assertThat(Admission.kind(HttpMethod.GET, "/v1/agents?windex=5")).isEqualTo(READ);
        assertThat(Admission.kind(HttpMethod.GET, "/metrics")).isEqualTo(UNCOUNTED);
        assertThat(Admission.kind(HttpMethod.GET, "/health/ready")).isEqualTo(UNCOUNTED);
        assertThat(Admission.kind(HttpMethod.GET, "/v1/internal/liveness")).isEqualTo(UNCOUNTED);
    }

    @Test
    void underTheFreeSpaceAlarmDeletesStopsAndReportsGoOnAndTheRestIsRefused() {
        assertThat(Admission.addsData(HttpMethod.POST, "/v1/namespaces/{ns}/agents")).isTrue();
        assertThat(Admission.addsData(HttpMethod.POST, "/v1/namespaces/{ns}/agents:batch")).isTrue();
        assertThat(Admission.addsData(HttpMethod.PUT, "/v1/namespaces/{ns}/agents/{name}/metadata/{key}")).isTrue();
        assertThat(Admission.addsData(HttpMethod.POST, "/v1/namespaces")).isTrue();
        assertThat(Admission.addsData(HttpMethod.POST, "/v1/tokens")).isTrue();
        assertThat(Admission.addsData(HttpMethod.POST, "/v1/cluster/feature-level")).isTrue();
        assertThat(Admission.addsData(HttpMethod.POST, "/v1/namespaces/{ns}/agents/{name}/start")).isTrue();
        assertThat(Admission.addsData(HttpMethod.POST, "/v1/cluster/check")).isFalse();
        assertThat(Admission.addsData(HttpMethod.DELETE, "/v1/namespaces/{ns}/agents/{name}")).isFalse();
        assertThat(Admission.addsData(HttpMethod.DELETE, "/v1/tokens/{id}")).isFalse();
        assertThat(Admission.addsData(HttpMethod.POST, "/v1/namespaces/{ns}/agents/{name}/stop")).isFalse();
        assertThat(Admission.addsData(HttpMethod.POST, "/v1/namespaces/{ns}/agents/{name}/status")).isFalse();
        assertThat(Admission.addsData(HttpMethod.POST, "/v1/workers/{id}/heartbeat")).isFalse();
    }
}
