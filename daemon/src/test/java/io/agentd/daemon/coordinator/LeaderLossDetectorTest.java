package io.agentd.daemon.coordinator;

import io.agentd.daemon.raft.LogPosition;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class LeaderLossDetectorTest {
    @Test
    void theSurvivorWithTheLaterLastTermStandsEvenWithAShorterLog() {
        assertThat(LeaderLossDetector.candidate(Map.of(
                "n1", new LogPosition(3, 90), "n2", new LogPosition(4, 12), "n3", new LogPosition(3, 95)))).isEqualTo("n2");
    }

    @Test
    void inOneTermTheLongerLogStandsAndATieGoesToTheLowestId() {
        assertThat(LeaderLossDetector.candidate(Map.of("n1", new LogPosition(2, 40), "n3", new LogPosition(2, 41))))
                .isEqualTo("n3");
        assertThat(LeaderLossDetector.candidate(Map.of("n3", new LogPosition(2, 41), "n2", new LogPosition(2, 41))))
                .isEqualTo("n2");
    }

    @Test
    void aSurvivorAloneStandsForItself() {
        assertThat(LeaderLossDetector.candidate(Map.of("n2", LogPosition.EMPTY))).isEqualTo("n2");
    }
}
