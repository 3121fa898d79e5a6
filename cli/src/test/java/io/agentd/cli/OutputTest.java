package io.agentd.cli;

import io.agentd.client.FakeApiServer;
import static io.agentd.cli.AgentctlRun.agentctl;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OutputTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final String AGENTS = "[" + Samples.AGENT + ","
      + Samples.agent("default", "a-much-longer-name", "pending", null, null) + ","
      + Samples.agent("research", "r", "running", "worker-with-long-id", 1234567L) + "]";

  private final FakeApiServer coordinator = FakeApiServer.scripted()
      .on("GET", "/v1/namespaces/default/agents/summarizer", 200, Samples.AGENT)
      .on("GET", "/v1/agents", 200, AGENTS)
      .on("GET", "/v1/namespaces/default", 200, Samples.NAMESPACE)
      .on("GET", "/v1/workers", 200, "[" + Samples.WORKER + "]")
      .on("GET", "/v1/cluster/status", 200, Samples.CLUSTER_STATUS);

  @AfterEach
  void stop() {
    coordinator.close();
  }

  @Test
  void jsonPrintsTheServersObjectAndNothingElse() throws Exception {
    AgentctlRun run = agentctl("get", "summarizer", "-o", "json", "--addr", coordinator.addr());

    assertThat(run.exitCode()).isZero();
    assertThat(run.err()).isEmpty();
    assertThat(JSON.readTree(run.out())).isEqualTo(JSON.readTree(Samples.AGENT));
  }

  @Test
  void jsonPrintsTheServersArray() throws Exception {
    AgentctlRun run = agentctl("list", "-A", "-o", "json", "--addr", coordinator.addr());

    assertThat(run.exitCode()).isZero();
    assertThat(JSON.readTree(run.out())).isEqualTo(JSON.readTree(AGENTS));
  }

  @Test
  void yamlPrintsTheSameDocument() throws Exception {
    AgentctlRun agent = agentctl("describe", "summarizer", "-o", "yaml", "--addr", coordinator.addr());
    AgentctlRun status = agentctl("cluster", "status", "-o", "yaml", "--addr", coordinator.addr());

    assertThat(YAML.readTree(agent.out())).isEqualTo(JSON.readTree(Samples.AGENT));
    assertThat(YAML.readTree(status.out())).isEqualTo(JSON.readTree(Samples.CLUSTER_STATUS));
    assertThat(agent.out()).contains("value: \"2\"");
  }

  @Test
  void agentTableIsAlignedWithAHeaderAndDashForNull() {
    AgentctlRun run = agentctl("list", "--all-namespaces", "--addr", coordinator.addr());

    assertThat(run.exitCode()).isZero();
    List<String> lines = run.out().lines().toList();
    assertThat(lines).hasSize(4);
    assertThat(lines.get(0)).startsWith("NAMESPACE").contains("NAME", "STATE", "WORKER", "TOKEN", "SLOTS", "AGE");
    assertAligned(lines);
    assertThat(lines.get(2).split("\\s+")).containsSequence("a-much-longer-name", "pending", "-", "-");
  }

  @Test
  void wideAddsCommandLabelsAndRevision() {
    AgentctlRun run = agentctl("get", "summarizer", "-o", "wide", "--addr", coordinator.addr());

    List<String> lines = run.out().lines().toList();
    assertThat(lines.get(0)).contains("DESIRED", "REVISION", "LABELS", "COMMAND");
    assertThat(lines.get(1)).contains("team=search", "/usr/bin/python3 agent.py");
    assertAligned(lines);
  }

  @Test
  void otherTablesAreAlignedToo() {
    AgentctlRun namespace = agentctl("namespace", "get", "default", "--addr", coordinator.addr());
    AgentctlRun workers = agentctl("worker", "list", "--addr", coordinator.addr());

    assertAligned(namespace.out().lines().toList());
    assertThat(namespace.out()).contains("10", "unlimited");
    assertAligned(workers.out().lines().toList());
    assertThat(workers.out()).contains("3/8");
  }

  @Test
  void describeShowsSpecStateWorkerTokenAndMetadata() {
    AgentctlRun run = agentctl("describe", "summarizer", "--addr", coordinator.addr());

    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .containsPattern("State:\\s+starting")
        .containsPattern("Worker:\\s+w1")
        .containsPattern("Fencing token:\\s+57")
        .containsPattern("Pending reason:\\s+-")
        .containsPattern("Command:\\s+/usr/bin/python3")
        .containsPattern("Labels:\\s+team=search")
        .containsPattern("phase\\s+2\\s+61");
    // An agent with no past assignment still lists the one it has: never a heading with nothing under it.
    String assignments = run.out().substring(run.out().indexOf("Assignments:"), run.out().indexOf("Metadata:"));
    assertThat(assignments.lines().toList()).hasSize(3);
    assertThat(assignments).containsPattern("WORKER\\s+TOKEN").containsPattern("w1\\s+57\\s+-\\s+-\\s+current: starting");
  }

  @Test
  void clusterStatusShowsLeaderAndMembers() {
    AgentctlRun run = agentctl("cluster", "status", "--addr", coordinator.addr());

    assertThat(run.out()).containsPattern("Leader:\\s+n1").containsPattern("n2\\s+follower");
  }

  /** Every column starts, on every line, where its header starts. */
  static void assertAligned(List<String> lines) {
    String header = lines.get(0);
    List<Integer> starts = new ArrayList<>();
    for (int i = 0; i < header.length(); i++) {
      if (header.charAt(i) != ' ' && (i == 0 || header.charAt(i - 1) == ' ')) {
        starts.add(i);
      }
    }
    for (String line : lines.subList(1, lines.size())) {
      for (int start : starts) {
        assertThat(line.length()).as("line '%s' reaches column %d", line, start).isGreaterThan(start);
        assertThat(line.charAt(start)).as("line '%s' at %d", line, start).isNotEqualTo(' ');
        if (start > 0) {
          assertThat(line.charAt(start - 1)).as("line '%s' before %d", line, start).isEqualTo(' ');
        }
      }
    }
  }
}
