package io.agentd.daemon.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.Gauge;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class MetricsTest {
    @Test
    void everyMetricWithHelpIsInTheOperatorsReference() throws Exception {
        String doc = Files.readString(Path.of("../docs/operations.md"));
        for (String name : MetricHelp.HELP.keySet()) {
            assertThat(doc).as(name).contains("`agentd_" + name);
        }
    }

    @Test
    void gaugesAndLabelledCountersComeOutWithHelpAndLabels() {
        Metrics m = new Metrics();
        m.registry().register("raft_term", (Gauge<Long>) () -> 7L);
        m.registry().counter("http_errors|status=429").inc(3);
        m.requestDuration().labelValues("/v1/x", "GET").observe(0.003);
        String page = m.scrape();
        assertThat(page).contains("# HELP agentd_raft_term The Raft term this server is in\n",
                "# TYPE agentd_raft_term gauge\n", "agentd_raft_term 7.0\n",
                "# TYPE agentd_http_errors_total counter\n", "agentd_http_errors_total{status=\"429\"} 3.0\n",
                "agentd_http_request_duration_seconds_bucket{method=\"GET\",route=\"/v1/x\",le=\"0.0025\"} 0\n",
                "agentd_http_request_duration_seconds_bucket{method=\"GET\",route=\"/v1/x\",le=\"0.005\"} 1\n",
                "jvm_threads_current ");
    }
}
