package io.agentd.daemon.raft;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RatisMetricsTest {
    @Test
    void ratisNamesBecomeSnakeCasePrometheusNames() {
        assertThat(RatisMetrics.prometheusName("ratis.leader_election.n1@group-78CC1F649192.electionCount"))
                .isEqualTo("ratis_leader_election_n1_group_78cc1f649192_election_count");
        assertThat(RatisMetrics.prometheusName("ratis.log_worker.flushTime")).isEqualTo("ratis_log_worker_flush_time");
    }
}
