package io.agentd.daemon.coordinator;

import io.agentd.daemon.config.FreeSpace;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

class DiskAlarmTest {
    private static final long MIB = 1L << 20;
    private long now;
    private long localFree = 500 * MIB;
    private final Map<String, CompletableFuture<DiskAlarm.Reading>> peers = new HashMap<>();
    private List<String> members = List.of("n1", "n2", "n3");

    private DiskAlarm alarm(FreeSpace threshold) {
        DiskAlarm a = new DiskAlarm("n1", threshold, () -> new long[]{localFree, 1000 * MIB}, () -> members,
                Duration.ofSeconds(1), () -> now);
        a.start(new java.util.concurrent.ScheduledThreadPoolExecutor(1) {
            @Override
            public java.util.concurrent.ScheduledFuture<?> scheduleWithFixedDelay(Runnable r, long i, long d,
                                                                                  java.util.concurrent.TimeUnit u) {
                return null; // the test calls check() itself
            }
        }, id -> peers.getOrDefault(id, CompletableFuture.failedFuture(new IllegalStateException("down"))));
        return a;
    }

    private void peer(String id, long freeMiB, long minFreeMiB) {
        peers.put(id, CompletableFuture.completedFuture(new DiskAlarm.Reading(id, freeMiB * MIB, 1000 * MIB,
                minFreeMiB * MIB)));
    }

    @Test
    void thisServerBelowItsThresholdRaisesTheAlarmAndMoreSpaceClearsIt() {
        DiskAlarm a = alarm(FreeSpace.parse("256MiB"));
        a.check();
        assertThat(a.raised()).isEmpty();

        localFree = 100 * MIB;
        a.check();
        assertThat(a.raised()).hasValueSatisfying(r -> {
            assertThat(r.node()).isEqualTo("n1");
            assertThat(r.describe()).isEqualTo("n1 has 100 MiB free on its data dir, less than its min-free-disk"
                    + " (256 MiB)");
        });

        localFree = 300 * MIB;
        a.check();
        assertThat(a.raised()).isEmpty();
    }

    @Test
    void aPercentageIsOfTheFileSystemsSize() {
        DiskAlarm a = alarm(FreeSpace.parse("10%"));
        localFree = 99 * MIB;
        a.check();
        assertThat(a.local().minFreeBytes()).isEqualTo(100 * MIB);
        assertThat(a.raised()).isPresent();
    }

    @Test
    void anyMemberLowRaisesItTheLowestIsNamedAndItClearsWhenItAnswersWithMore() {
        DiskAlarm a = alarm(FreeSpace.parse("256MiB"));
        peer("n2", 40, 64);
        peer("n3", 20, 64);
        a.check();
        assertThat(a.raised()).map(DiskAlarm.Reading::node).hasValue("n3");
        assertThat(a.readings()).containsOnlyKeys("n1", "n2", "n3");

        peer("n2", 100, 64);
        peer("n3", 100, 64);
        a.check();
        assertThat(a.raised()).isEmpty();
    }

    @Test
    void aMemberThatStopsAnsweringOrLeavesNoLongerCounts() {
        DiskAlarm a = alarm(FreeSpace.parse("256MiB"));
        peer("n2", 10, 64);
        a.check();
        assertThat(a.raised()).isPresent();

        peers.remove("n2"); // down: its last reading ages out
        now += Duration.ofSeconds(4).toNanos();
        a.check();
        assertThat(a.raised()).isPresent();
        now += Duration.ofSeconds(2).toNanos();
        a.check();
        assertThat(a.raised()).isEmpty();

        peer("n3", 10, 64);
        a.check();
        assertThat(a.raised()).isPresent();
        members = List.of("n1", "n2");
        a.check();
        assertThat(a.raised()).as("n3 was removed from the group").isEmpty();
    }

    @Test
    void zeroTurnsTheGuardOff() {
        DiskAlarm a = alarm(FreeSpace.parse("0"));
        localFree = 0;
        a.check();
        assertThat(a.raised()).isEmpty();
        assertThat(a.local().low()).isFalse();
    }
}
