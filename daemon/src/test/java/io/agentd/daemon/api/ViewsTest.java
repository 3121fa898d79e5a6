package io.agentd.daemon.api;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class ViewsTest {
    @Test
    void timesAreIsoInstantsWhateverWasWrittenBefore() {
        Random r = new Random(7);
        long previous = 0;
        for (int i = 0; i < 10_000; i++) {
            long t = switch (r.nextInt(4)) {
                case 0 -> previous; // the same time again, as the commands of one entry have
                case 1 -> r.nextLong() % 253_402_300_799_999L; // any instant of years 0..9999, and before 1970
                case 2 -> 1_764_800_000_000L + r.nextInt(1000) * 1000L; // whole seconds: no fraction is written
                default -> 1_764_800_000_000L + r.nextInt(100_000);
            };
            assertThat(Views.time(t)).as("%d", t).isEqualTo(Instant.ofEpochMilli(t).toString());
            previous = t;
        }
    }
}
