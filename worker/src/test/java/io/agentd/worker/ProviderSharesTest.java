package io.agentd.worker;

import io.agentd.client.api.ProviderDemand;
import io.agentd.client.api.ProviderGrant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** A worker's shares of provider limits, on a clock the test moves. */
class ProviderSharesTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000_000L);
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final ProviderShares shares = new ProviderShares(now::get, timer);

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    private ProviderShares.Result reserve(String provider, long tokens) throws Exception {
        return shares.reserve(provider, "default", "default/a", tokens, Duration.ZERO).get(5, TimeUnit.SECONDS);
    }

    private void grant(double rpm, Double tpm, Integer concurrent) {
        List<ProviderDemand> reported = shares.report();
        shares.adopt(reported, List.of(new ProviderGrant("openai", "default", rpm, tpm, concurrent)),
                now.get() + Duration.ofSeconds(30).toNanos());
    }

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void withoutAGrantAReservationIsRefusedWithWhenToTryAgain() throws Exception {
        ProviderShares.Result r = reserve("openai", 0);
        assertThat(r.status()).isEqualTo(429);
        assertThat(r.retryAfterSeconds()).isEqualTo(1);
        assertThat(r.body().toString()).contains("no grant holds");
        // What was asked is demand, reported with the next renewal.
        List<ProviderDemand> report = shares.report();
        assertThat(report).singleElement().satisfies(d -> {
            assertThat(d.provider()).isEqualTo("openai");
            assertThat(d.requestsPerMinute()).isEqualTo(6.0); // one ask in a ten-second window
            assertThat(d.heldRequestsPerMinute()).isZero();
        });
    }

    @Test
    void aGrantAllowsItsRateAndASecondOfBurstAndNoMore() throws Exception {
        reserve("openai", 0);
        grant(120, null, null); // two a second; the bucket holds two
        int granted = 0;
        for (int step = 0; step < 600; step++) { // a minute, every 100 ms, ten tries each
            for (int i = 0; i < 10; i++) {
                if (reserve("openai", 0).status() == 200) {
                    granted++;
                }
            }
            advance(Duration.ofMillis(100));
            if (step % 50 == 0) {
                grant(120, null, null); // renewed on time
            }
        }
        // The rate for a minute and what the bucket held: within the footprint the coordinators count.
        assertThat(granted).isBetween(120, 122);
    }

    @Test
    void aSmallGrantStillLetsOneRequestThrough() throws Exception {
        reserve("openai", 0);
        grant(6, null, null); // one every ten seconds
        assertThat(reserve("openai", 0).status()).isEqualTo(200);
        ProviderShares.Result second = reserve("openai", 0);
        assertThat(second.status()).isEqualTo(429);
        assertThat(second.retryAfterSeconds()).isEqualTo(10);
        advance(Duration.ofSeconds(10));
        assertThat(reserve("openai", 0).status()).isEqualTo(200);
    }

    @Test
    void aGrantLapsesWithTheLease() throws Exception {
        reserve("openai", 0);
        grant(600, null, null);
        assertThat(reserve("openai", 0).status()).isEqualTo(200);
        advance(Duration.ofSeconds(29));
        assertThat(reserve("openai", 0).status()).isEqualTo(200);
        advance(Duration.ofSeconds(1));
        assertThat(reserve("openai", 0).status()).as("the lease the grant came with ran out").isEqualTo(429);
        assertThat(shares.report()).singleElement().satisfies(d -> assertThat(d.heldRequestsPerMinute()).isZero());
    }

    @Test
    void callsInFlightAreBoundedUntilCommitted() throws Exception {
        reserve("openai", 0);
        grant(600, null, 1);
        ProviderShares.Result first = reserve("openai", 0);
        assertThat(first.status()).isEqualTo(200);
        assertThat(reserve("openai", 0).status()).isEqualTo(429);
        String id = (String) first.body().get("id");
        assertThat(shares.commit(id, "another/agent", 0).status()).as("only the agent that reserved").isEqualTo(404);
        assertThat(shares.commit(id, "default/a", 0).status()).isEqualTo(200);
        assertThat(shares.commit(id, "default/a", 0).status()).as("once").isEqualTo(404);
        advance(Duration.ofSeconds(1));
        assertThat(reserve("openai", 0).status()).isEqualTo(200);
    }

    @Test
    void tokensAreReservedThenReconciledWithWhatTheCallUsed() throws Exception {
        reserve("openai", 0);
        grant(6000, 6000.0, null); // tokens: a hundred a second, the bucket holds a hundred
        ProviderShares.Result big = reserve("openai", 500); // more than the bucket holds: goes while it is full
        assertThat(big.status()).isEqualTo(200);
        ProviderShares.Result next = reserve("openai", 10);
        assertThat(next.status()).as("the bucket is in debt").isEqualTo(429);
        assertThat(next.retryAfterSeconds()).isEqualTo(5);
        // The call used 100, not 500: the rest comes back, and the bucket is empty, not in debt.
        assertThat(shares.commit((String) big.body().get("id"), "default/a", 100).status()).isEqualTo(200);
        ProviderShares.Result empty = reserve("openai", 10);
        assertThat(empty.status()).isEqualTo(429);
        assertThat(empty.retryAfterSeconds()).isEqualTo(1);
        advance(Duration.ofMillis(100));
        assertThat(reserve("openai", 10).status()).isEqualTo(200);
    }

    @Test
    void aProviderTheCoordinatorsGrantNothingForIsUnknown() throws Exception {
        reserve("nosuch", 0);
        List<ProviderDemand> reported = shares.report();
        shares.adopt(reported, List.of(), now.get() + Duration.ofSeconds(10).toNanos());
        ProviderShares.Result r = reserve("nosuch", 0);
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.body().toString()).contains("no provider or provider group nosuch");
    }

    @Test
    void aReservationWaitsForTheBucketWithinItsWait() throws Exception {
        ScheduledExecutorService realTimer = Executors.newSingleThreadScheduledExecutor();
        try {
            ProviderShares real = new ProviderShares(System::nanoTime, realTimer);
            real.reserve("openai", "default", "default/a", 0, Duration.ZERO).get(5, TimeUnit.SECONDS);
            real.adopt(real.report(), List.of(new ProviderGrant("openai", "default", 120, null, null)),
                    System.nanoTime() + Duration.ofSeconds(30).toNanos());
            assertThat(real.reserve("openai", "default", "default/a", 0, Duration.ZERO).get().status()).isEqualTo(200);
            assertThat(real.reserve("openai", "default", "default/a", 0, Duration.ZERO).get().status()).isEqualTo(200);
            long start = System.nanoTime();
            ProviderShares.Result waited = real.reserve("openai", "default", "default/a", 0, Duration.ofSeconds(5))
                    .get(10, TimeUnit.SECONDS);
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            assertThat(waited.status()).isEqualTo(200);
            assertThat(tookMs).as("half a second for the next request at two a second").isBetween(300L, 3000L);
            ProviderShares.Result tooShort = real.reserve("openai", "default", "default/a", 0, Duration.ofMillis(10))
                    .get(10, TimeUnit.SECONDS);
            assertThat(tooShort.status()).isEqualTo(429);
        } finally {
            realTimer.shutdownNow();
        }
    }

    private static io.agentd.client.api.ProviderView view(String name, String group, int priority) {
        return new io.agentd.client.api.ProviderView(name, 600, null, null, group, priority, java.util.Map.of(), null, 1, 1);
    }

    @Test
    void aGroupTakesItsFirstProviderWithRoomAndSaysWhich() throws Exception {
        shares.definitions(List.of(view("a", "fast", 0), view("b", "fast", 1), view("c", null, 0)));
        ProviderShares.Result none = reserve("fast", 0);
        assertThat(none.status()).isEqualTo(429);
        assertThat(none.body().toString()).contains("provider group fast (a, b)");
        List<ProviderDemand> reported = shares.report();
        assertThat(reported).extracting(ProviderDemand::provider).containsExactly("a", "b");
        // Only b has a grant: the group's reservation takes b.
        shares.adopt(reported, List.of(new ProviderGrant("b", "default", 600, null, null)),
                now.get() + Duration.ofSeconds(30).toNanos());
        ProviderShares.Result onB = reserve("fast", 0);
        assertThat(onB.status()).isEqualTo(200);
        assertThat(onB.body()).containsEntry("provider", "b");
        // With room on a, a comes first.
        shares.adopt(shares.report(), List.of(new ProviderGrant("a", "default", 600, null, null),
                new ProviderGrant("b", "default", 600, null, null)), now.get() + Duration.ofSeconds(30).toNanos());
        assertThat(reserve("fast", 0).body()).containsEntry("provider", "a");
        // A name that is neither a provider nor a group is refused at once.
        ProviderShares.Result unknown = reserve("slow", 0);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body().toString()).contains("no provider or provider group slow");
    }

    @Test
    void theLargestGrantsAProviderMayHaveAreTakenOn() throws Exception {
        reserve("openai", 0);
        grant(100_000_000, 1e11, 1_000_000); // the largest limits a provider may set
        for (int i = 0; i < 1000; i++) {
            assertThat(reserve("openai", 1000).status()).isEqualTo(200);
        }
    }
}
