package io.agentd.bench;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScheduleTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void slotsAreInTimeOrderAndEveryWorkerSendsOncePerPeriod() {
        long[] phases = Schedule.randomPhases(50, SECOND, 7);
        Schedule s = new Schedule(phases, 40, SECOND);
        int[] perWorker = new int[40];
        long last = -1;
        for (long slot = 0; slot < 40 * 3; slot++) {
            long at = s.offset(slot);
            assertThat(at).isGreaterThanOrEqualTo(last);
            last = at;
            int w = s.worker(slot);
            assertThat(w).isBetween(0, 39);
            assertThat(at % SECOND).isEqualTo(phases[w]);
            perWorker[w]++;
        }
        assertThat(perWorker).containsOnly(3);
    }

    @Test
    void slotsBeforeCountsTheSlotsIntendedEarlier() {
        long[] phases = {500, 100, 100, 900};
        Schedule s = new Schedule(phases, 4, 1000);
        for (long x = 0; x <= 3500; x += 50) {
            long brute = 0;
            for (long slot = 0; slot < 20; slot++) {
                if (s.offset(slot) < x) {
                    brute++;
                }
            }
            assertThat(s.slotsBefore(x)).as("before %d", x).isEqualTo(brute);
        }
    }

    @Test
    void argsReadFlagsAndRejectUnknownOnes() {
        Args a = Args.parse(new String[]{"--workers", "1000,2000", "--duration=3s", "--keep"}, Set.of("keep"));
        assertThat(a.integers("workers", "1")).isEqualTo(List.of(1000, 2000));
        assertThat(a.duration("duration", "1s").toMillis()).isEqualTo(3000);
        assertThat(a.flag("keep")).isTrue();
        assertThat(a.integer("threads", 64)).isEqualTo(64);
        a.finish();

        Args b = Args.parse(new String[]{"--nope", "1"}, Set.of());
        assertThatThrownBy(b::finish).hasMessageContaining("--nope");
    }
}
