package io.agentd.daemon.raft;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RaftNodeConfigTest {
    private static final Path DIR = Path.of("/var/lib/agentd/raft");

    private static RaftNodeConfig.Builder valid() {
        return RaftNodeConfig.builder("n1", "10.0.0.1:7421", DIR)
                .peers(Map.of("n1", "10.0.0.1:7421", "n2", "10.0.0.2:7421", "n3", "10.0.0.3:7421"));
    }

    @Test
    void defaultsSuitAnOrdinaryDeployment() {
        RaftNodeConfig c = valid().build();
        assertThat(c.electionTimeoutMin()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.electionTimeoutMax()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.snapshotThreshold()).isEqualTo(10_000);
        assertThat(c.peers()).containsOnlyKeys("n1", "n2", "n3");
        assertThat(c.bindHost()).isEqualTo("10.0.0.1");
        assertThat(c.bindPort()).isEqualTo(7421);
    }

    @Test
    void aSingleNodeIsItsOwnPeerByDefault() {
        RaftNodeConfig c = RaftNodeConfig.builder("solo", "127.0.0.1:7421", DIR).build();
        assertThat(c.peers()).isEqualTo(Map.of("solo", "127.0.0.1:7421"));
    }

    /** Changing the derivation would give existing clusters a new group id and orphan their storage. */
    @Test
    void theGroupIdIsAFixedFunctionOfTheClusterName() {
        assertThat(valid().build().groupId()).isEqualTo(UUID.fromString("270ec3eb-0cd0-378e-a6b2-78cc1f649192"));
        assertThat(valid().clusterName("other").build().groupId()).isNotEqualTo(valid().build().groupId());
    }

    @Test
    void errorsNameTheField() {
        assertThatThrownBy(() -> valid().electionTimeout(Duration.ofSeconds(2), Duration.ofSeconds(1)).build())
                .hasMessageContaining("electionTimeoutMax");
        assertThatThrownBy(() -> valid().requestTimeout(Duration.ofSeconds(2)).build())
                .hasMessageContaining("requestTimeout");
        assertThatThrownBy(() -> valid().peers(Map.of("n2", "10.0.0.2:7421")).build())
                .hasMessageContaining("peers");
        assertThatThrownBy(() -> valid().peers(Map.of("n1", "10.0.0.9:7421")).build())
                .hasMessageContaining("peers");
        assertThatThrownBy(() -> RaftNodeConfig.builder("n1", "10.0.0.1", DIR).build())
                .hasMessageContaining("raftAddress");
        assertThatThrownBy(() -> RaftNodeConfig.builder("n 1", "10.0.0.1:1", DIR).build())
                .hasMessageContaining("nodeId");
        assertThatThrownBy(() -> RaftNodeConfig.builder("n1", "10.0.0.1:7421", null).build())
                .hasMessageContaining("storageDir");
        assertThatThrownBy(() -> valid().snapshotThreshold(0).build()).hasMessageContaining("snapshotThreshold");
        assertThatThrownBy(() -> valid().logEntriesPreserved(-1).build()).hasMessageContaining("logEntriesPreserved");
        assertThatThrownBy(() -> valid().snapshotGracePeriod(Duration.ofSeconds(-1)).build())
                .hasMessageContaining("snapshotGracePeriod");
    }

    @Test
    void ipv6AddressesKeepTheirBrackets() {
        RaftNodeConfig c = RaftNodeConfig.builder("n1", "[::1]:7421", DIR).build();
        assertThat(c.bindHost()).isEqualTo("::1");
        assertThat(c.bindPort()).isEqualTo(7421);
    }
}
