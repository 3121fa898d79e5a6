package io.agentd.cli;

import io.agentd.client.FakeApiServer;
import static io.agentd.cli.AgentctlRun.agentctl;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Each command sends the request of docs/api.md. */
class CommandsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String METADATA = "{\"key\": \"phase\", \"value\": \"3\", \"version\": 70}";

  private final FakeApiServer coordinator = FakeApiServer.scripted()
      .on("POST", "/v1/namespaces/prod/agents", 201, Samples.AGENT)
      .on("POST", "/v1/namespaces/default/agents", 200, Samples.AGENT)
      .on("POST", "/v1/namespaces/default/agents/summarizer/stop", 200, Samples.AGENT)
      .on("DELETE", "/v1/namespaces/default/agents/summarizer", 200, Samples.AGENT)
      .on("PUT", "/v1/namespaces/default/agents/summarizer/metadata/phase", 200, METADATA)
      .on("GET", "/v1/namespaces/default", 200, Samples.NAMESPACE)
      .on("PUT", "/v1/namespaces/default/quota", 200, Samples.NAMESPACE)
      .on("POST", "/v1/namespaces", 201, Samples.NAMESPACE)
      .on("POST", "/v1/workers", 201, Samples.WORKER)
      .on("GET", "/v1/agents", 200, "[]")
      .on("GET", "/v1/cluster/members", 200, "[]");

  @AfterEach
  void stop() {
    coordinator.close();
  }

  @Test
  void versionAndDashDashVersionPrintOneVersionAndTheCommitWithoutAskingAServer() {
    AgentctlRun version = agentctl("version", "--addr", coordinator.addr());
    AgentctlRun dashed = agentctl("--version");

    assertThat(version.exitCode()).isZero();
    assertThat(version.out().strip()).matches("agentctl \\d+\\.\\d+\\.\\d+\\S* \\(commit ([0-9a-f]{7,40}(-dirty)?|unknown)\\)")
        .isEqualTo(dashed.out().strip())
        .isEqualTo("agentctl " + io.agentd.client.BuildInfo.describe());
    assertThat(coordinator.received()).isEmpty();
  }

  @Test
  void spawnSendsTheWholeSpec() throws Exception {
    AgentctlRun run = agentctl("spawn", "summarizer", "-n", "prod", "--cmd", "/usr/bin/python3", "--arg", "agent.py",
        "--arg", "--fast", "--env", "K=V", "--label", "team=search", "--slots", "2", "--workdir", "/srv/agents",
        "--restart", "never", "--constraint", "gpu=yes", "--addr", coordinator.addr());

    assertThat(run.exitCode()).isZero();
    assertThat(run.err()).isEmpty();
    FakeApiServer.Received request = coordinator.received().get(0);
    assertThat(request.header("Idempotency-Key")).isNotBlank();
    assertThat(JSON.readTree(request.body())).isEqualTo(JSON.readTree("""
        {"name": "summarizer", "spec": {"command": "/usr/bin/python3", "args": ["agent.py", "--fast"],
         "env": {"K": "V"}, "workingDir": "/srv/agents", "slots": 2, "labels": {"team": "search"},
         "constraints": {"gpu": "yes"}, "restart": "never"}}
        """));
  }

  @Test
  void spawnOfAnExistingIdenticalAgentSaysSoOnStderr() {
    AgentctlRun run = agentctl("spawn", "summarizer", "--cmd", "sleep", "--addr", coordinator.addr());

    assertThat(run.exitCode()).isZero();
    assertThat(run.err()).contains("already exists with this spec");
  }

  @Test
  void stopAndDeleteWithYes() {
    assertThat(agentctl("stop", "summarizer", "--addr", coordinator.addr()).exitCode()).isZero();
    assertThat(agentctl("delete", "summarizer", "--yes", "--addr", coordinator.addr()).exitCode()).isZero();

    assertThat(coordinator.received()).extracting(r -> r.method() + " " + r.path()).containsExactly(
        "POST /v1/namespaces/default/agents/summarizer/stop",
        "DELETE /v1/namespaces/default/agents/summarizer");
  }

  @Test
  void metaSetSendsTheCompareAndSetVersion() throws Exception {
    AgentctlRun run = agentctl("meta", "set", "summarizer", "phase", "3", "--if-version", "61", "--addr", coordinator.addr());

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).containsPattern("phase\\s+3\\s+70");
    assertThat(JSON.readTree(coordinator.received().get(0).body()))
        .isEqualTo(JSON.readTree("{\"value\": \"3\", \"ifVersion\": 61}"));
  }

  @Test
  void quotaSetKeepsTheLimitThatIsNotGiven() throws Exception {
    AgentctlRun run = agentctl("quota", "set", "default", "--max-slots", "40", "--addr", coordinator.addr());

    assertThat(run.exitCode()).isZero();
    assertThat(coordinator.received()).extracting(r -> r.method()).containsExactly("GET", "PUT");
    assertThat(JSON.readTree(coordinator.received().get(1).body()))
        .isEqualTo(JSON.readTree("{\"maxAgents\": 10, \"maxSlots\": 40}"));
  }

  @Test
  void quotaSetUnlimitedSendsNull() throws Exception {
    agentctl("quota", "set", "default", "--max-agents", "unlimited", "--max-slots", "8", "--addr", coordinator.addr());

    assertThat(coordinator.received()).hasSize(1);
    assertThat(JSON.readTree(coordinator.received().get(0).body()))
        .isEqualTo(JSON.readTree("{\"maxAgents\": null, \"maxSlots\": 8}"));
  }

  @Test
  void namespaceCreateSendsAQuotaOnlyWhenGiven() throws Exception {
    agentctl("namespace", "create", "team-a", "--addr", coordinator.addr());
    agentctl("ns", "create", "team-b", "--max-agents", "5", "--addr", coordinator.addr());

    assertThat(JSON.readTree(coordinator.received().get(0).body())).isEqualTo(JSON.readTree("{\"name\": \"team-a\"}"));
    assertThat(JSON.readTree(coordinator.received().get(1).body()))
        .isEqualTo(JSON.readTree("{\"name\": \"team-b\", \"quota\": {\"maxAgents\": 5, \"maxSlots\": null}}"));
  }

  @Test
  void workerRegisterSendsAddressZoneLabelsAndSlots() throws Exception {
    AgentctlRun run = agentctl("worker", "register", "w1", "--address", "10.0.0.5:7422", "--zone", "a",
        "--label", "gpu=no", "--slots", "8", "--addr", coordinator.addr());

    assertThat(run.exitCode()).isZero();
    assertThat(JSON.readTree(coordinator.received().get(0).body())).isEqualTo(JSON.readTree(
        "{\"id\": \"w1\", \"address\": \"10.0.0.5:7422\", \"zone\": \"a\", \"labels\": {\"gpu\": \"no\"}, \"capacitySlots\": 8}"));
  }

  @Test
  void listSendsItsFilters() {
    agentctl("list", "-A", "--state", "running", "--worker", "w1", "--label", "team=search", "--addr", coordinator.addr());

    assertThat(coordinator.received().get(0).target())
        .isEqualTo("/v1/agents?state=running&worker=w1&label=team%3Dsearch&limit=1000");
  }

  @Test
  void listSendsChangedAfter() {
    agentctl("list", "--worker", "w1", "--changed-after", "42", "--addr", coordinator.addr());

    assertThat(coordinator.received().get(0).target())
        .isEqualTo("/v1/namespaces/default/agents?worker=w1&changedAfter=42&limit=1000");
  }

  @Test
  void emptyListIsAHeaderOrAnEmptyArray() throws Exception {
    assertThat(agentctl("cluster", "members", "--addr", coordinator.addr()).out()).startsWith("ID").hasLineCount(1);
    assertThat(JSON.readTree(agentctl("list", "-A", "-o", "json", "--addr", coordinator.addr()).out()).isArray()).isTrue();
  }
}
