package io.agentd.daemon.api;

import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.api.Test;

import static io.agentd.daemon.api.Admission.Kind.READ;
import static io.agentd.daemon.api.Admission.Kind.UNCOUNTED;
import static io.agentd.daemon.api.Admission.Kind.WRITE;
import static org.assertj.core.api.Assertions.assertThat;

class AdmissionTest {
    private long now;

    @Test
    void writesAreShedAtThreeQuartersOfTheBoundReadsOnlyAtTheBound() {
        Admission a = new Admission(8, () -> now);
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

        a.release(READ);
        assertThat(a.tryAdmit(WRITE)).as("still 7 held: over the write bound").isFalse();
        a.release(WRITE);
        a.release(WRITE);
        assertThat(a.tryAdmit(WRITE)).isTrue();
        a.release(UNCOUNTED);
        assertThat(a.held()).isEqualTo(6);
    }

    @Test
    void aReleasedPlaceIsTakenOnceWhenManyThreadsRace() throws Exception {
        Admission a = new Admission(100, System::nanoTime);
        Thread[] threads = new Thread[8];
        int[] admitted = new int[threads.length];
        for (int t = 0; t < threads.length; t++) {
            int me = t;
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 10_000; i++) {
                    if (a.tryAdmit(READ)) {
                        admitted[me]++;
                        a.release(READ);
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
