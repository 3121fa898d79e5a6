package io.agentd.daemon.coordinator;

import io.agentd.daemon.raft.LogPosition;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

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

    private static final String HEAD = "HTTP/1.0 200 OK\r\ncontent-type: application/json\r\ncontent-length: 70\r\n\r\n";

    @Test
    void readsThePositionFromAPeersAnswer() {
        assertThat(LeaderLossDetector.parsePosition(HEAD
                + "{\"lastIndex\":31716,\"lastTerm\":1,\"leader\":\"n3\",\"node\":\"n2\",\"term\":1}"))
                .contains(new LogPosition(1, 31716));
        assertThat(LeaderLossDetector.parsePosition(HEAD + "{ \"lastTerm\" : 7,\n \"lastIndex\" : 0 }"))
                .contains(new LogPosition(7, 0));
        // A member whose log is still empty.
        assertThat(LeaderLossDetector.parsePosition(HEAD + "{\"lastIndex\":-1,\"lastTerm\":0}"))
                .contains(LogPosition.EMPTY);
    }

    @Test
    void anythingButAWholePositionIsNoAnswer() {
        assertThat(LeaderLossDetector.parsePosition("HTTP/1.0 503 Service Unavailable\r\n\r\n{\"lastTerm\":1,\"lastIndex\":2}"))
                .isEqualTo(Optional.empty());
        assertThat(LeaderLossDetector.parsePosition(HEAD + "{\"lastTerm\":1}")).isEmpty();
        assertThat(LeaderLossDetector.parsePosition(HEAD + "{\"lastTerm\":\"1\",\"lastIndex\":2}")).isEmpty();
        assertThat(LeaderLossDetector.parsePosition(HEAD + "{\"lastTerm\":1,\"lastIndex\":99999999999999999999}")).isEmpty();
        assertThat(LeaderLossDetector.parsePosition("HTTP/1.0 200 OK\r\n")).isEmpty();
        assertThat(LeaderLossDetector.parsePosition("")).isEmpty();
    }
}
