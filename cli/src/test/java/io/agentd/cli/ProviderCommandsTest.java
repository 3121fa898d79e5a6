package io.agentd.cli;

import static io.agentd.cli.AgentctlRun.agentctl;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentd.client.FakeApiServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code agentctl provider}: the requests of docs/api.md, the table, and refusals before any request. */
class ProviderCommandsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  static final String PROVIDER = """
      {"name": "openai", "requestsPerMinute": 600, "tokensPerMinute": 90000, "maxConcurrent": 8,
       "group": "fast", "priority": 1, "shares": {"team-a": 3}, "pricePer1kTokensUsd": 0.002,
       "createRevision": 12, "revision": 15}
      """;

  private final FakeApiServer coordinator = FakeApiServer.scripted()
      .on("PUT", "/v1/providers/openai", 201, PROVIDER)
      .on("GET", "/v1/providers/openai", 200, PROVIDER)
      .on("GET", "/v1/providers/openai/grants", 200, """
          {"provider": "openai", "leader": "n2", "learning": false, "workers": [
           {"worker": "w1", "namespace": "team-a", "requestsPerMinute": 295.08, "tokensPerMinute": null,
            "maxConcurrent": 8, "askedRequestsPerMinute": 420.0, "usedRequestsPerMinute": 290.5}]}
          """)
      .on("GET", "/v1/providers", 200, "[" + PROVIDER + "]")
      .on("DELETE", "/v1/providers/openai", 200, PROVIDER);

  @AfterEach
  void stop() {
    coordinator.close();
  }

  @Test
  void setSendsTheWholeDefinition() throws Exception {
    AgentctlRun run = agentctl("provider", "set", "openai", "--rpm", "600", "--tpm", "90000", "--max-concurrent", "8",
        "--group", "fast", "--priority", "1", "--share", "team-a=3", "--price-per-1k-tokens", "0.002",
        "--addr", coordinator.addr());

    assertThat(run.exitCode()).as(run.err()).isZero();
    FakeApiServer.Received request = coordinator.received().get(0);
    assertThat(request.method() + " " + request.path()).isEqualTo("PUT /v1/providers/openai");
    assertThat(request.header("Idempotency-Key")).isNotBlank();
    assertThat(JSON.readTree(request.body())).isEqualTo(JSON.readTree("""
        {"requestsPerMinute": 600, "tokensPerMinute": 90000, "maxConcurrent": 8, "group": "fast", "priority": 1,
         "shares": {"team-a": 3}, "pricePer1kTokensUsd": 0.002}
        """));
    assertThat(run.out()).startsWith("NAME     RPM   TPM     CONCURRENT   GROUP   PRIORITY\n")
        .contains("openai   600   90000   8            fast    1");
  }

  @Test
  void setWithTheRateAloneLeavesEveryOtherLimitOut() throws Exception {
    AgentctlRun run = agentctl("provider", "set", "openai", "--rpm", "60", "--addr", coordinator.addr());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(JSON.readTree(coordinator.received().get(0).body()))
        .isEqualTo(JSON.readTree("{\"requestsPerMinute\": 60, \"shares\": {}}"));
  }

  @Test
  void refusedBeforeAnyRequest() {
    AgentctlRun noRate = agentctl("provider", "set", "openai", "--addr", coordinator.addr());
    AgentctlRun priorityAlone = agentctl("provider", "set", "openai", "--rpm", "60", "--priority", "2",
        "--addr", coordinator.addr());
    AgentctlRun badShare = agentctl("provider", "set", "openai", "--rpm", "60", "--share", "team-a=lots",
        "--addr", coordinator.addr());
    AgentctlRun deleteUnasked = agentctl("provider", "delete", "openai", "--addr", coordinator.addr());

    assertThat(noRate.exitCode()).isEqualTo(2);
    assertThat(noRate.err()).contains("--rpm");
    assertThat(priorityAlone.exitCode()).isEqualTo(2);
    assertThat(priorityAlone.err()).contains("give the group too");
    assertThat(badShare.exitCode()).isEqualTo(2);
    assertThat(badShare.err()).contains("--share").contains("'lots' is not an int");
    assertThat(deleteUnasked.exitCode()).isEqualTo(2);
    assertThat(deleteUnasked.err()).contains("refusing to delete provider openai without --yes");
    assertThat(coordinator.received()).isEmpty();
  }

  @Test
  void getListAndDelete() throws Exception {
    AgentctlRun get = agentctl("provider", "get", "openai", "-o", "wide", "--addr", coordinator.addr());
    AgentctlRun list = agentctl("provider", "ls", "-o", "json", "--addr", coordinator.addr());
    AgentctlRun delete = agentctl("provider", "delete", "openai", "--yes", "--addr", coordinator.addr());

    assertThat(get.exitCode()).as(get.err()).isZero();
    assertThat(get.out()).contains("SHARES").contains("team-a=3").contains("0.002")
        .contains("Grants (leader n2):")
        .containsPattern("w1 +team-a +295\\.1 +420\\.0 +290\\.5 +- +8");
    assertThat(list.exitCode()).isZero();
    assertThat(JSON.readTree(list.out())).isEqualTo(JSON.readTree("[" + PROVIDER + "]"));
    assertThat(delete.exitCode()).isZero();
    assertThat(coordinator.received()).extracting(r -> r.method() + " " + r.path()).containsExactly(
        "GET /v1/providers/openai", "GET /v1/providers/openai/grants", "GET /v1/providers",
        "DELETE /v1/providers/openai");
  }
}
