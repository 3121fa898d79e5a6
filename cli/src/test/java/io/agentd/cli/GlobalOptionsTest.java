package io.agentd.cli;

import io.agentd.client.FakeApiServer;
import static io.agentd.cli.AgentctlRun.agentctl;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GlobalOptionsTest {

  private final FakeApiServer coordinator = FakeApiServer.scripted()
      .on("GET", "/v1/namespaces/default/agents/summarizer", 200, Samples.AGENT)
      .on("GET", "/v1/namespaces/prod/agents/summarizer", 200, Samples.agent("prod", "summarizer", "running", "w1", 57L))
      .on("GET", "/v1/namespaces/staging/agents/summarizer", 200, Samples.agent("staging", "summarizer", "running", "w1", 57L));

  @AfterEach
  void stop() {
    coordinator.close();
  }

  @Test
  void failsOverFromAClosedEndpointToTheNext() {
    AgentctlRun run = agentctl("get", "summarizer", "--addr", FakeApiServer.closedAddress() + "," + coordinator.addr());

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("summarizer");
    assertThat(coordinator.received()).hasSize(1);
  }

  @Test
  void addrComesFromTheEnvironmentWithoutScheme() {
    String hostPort = coordinator.addr().substring("http://".length());

    AgentctlRun run = agentctl(Map.of("AGENTCTL_ADDR", hostPort), "get", "summarizer");

    assertThat(run.exitCode()).isZero();
    assertThat(coordinator.received()).hasSize(1);
  }

  @Test
  void addrFlagBeatsTheEnvironment() {
    AgentctlRun run = agentctl(Map.of("AGENTCTL_ADDR", FakeApiServer.closedAddress()),
        "get", "summarizer", "--addr", coordinator.addr());

    assertThat(run.exitCode()).isZero();
  }

  @Test
  void globalOptionsWorkBeforeAndAfterTheSubcommand() throws Exception {
    AgentctlRun before = agentctl("--addr", coordinator.addr(), "-o", "json", "get", "summarizer");
    AgentctlRun after = agentctl("get", "summarizer", "--addr", coordinator.addr(), "-o", "json");
    AgentctlRun nested = agentctl("meta", "--addr", coordinator.addr(), "get", "summarizer", "phase", "-o", "json");

    assertThat(before.exitCode()).isZero();
    assertThat(after.out()).isEqualTo(before.out()).startsWith("{");
    assertThat(nested.exitCode()).isEqualTo(3);
    assertThat(coordinator.received()).hasSize(3);
  }

  @Test
  void namespaceComesFromFlagThenEnvironmentThenDefault() {
    Map<String, String> env = Map.of("AGENTCTL_NAMESPACE", "staging");

    agentctl(env, "get", "summarizer", "-n", "prod", "--addr", coordinator.addr());
    agentctl(env, "get", "summarizer", "--addr", coordinator.addr());
    agentctl("get", "summarizer", "--addr", coordinator.addr());

    assertThat(coordinator.received()).extracting(FakeApiServer.Received::path).containsExactly(
        "/v1/namespaces/prod/agents/summarizer",
        "/v1/namespaces/staging/agents/summarizer",
        "/v1/namespaces/default/agents/summarizer");
  }

  @Test
  void tokenComesFromFlagThenFileThenEnvironmentThenTheEnvironmentsFile(@TempDir Path dir) throws Exception {
    Path tokenFile = Files.writeString(dir.resolve("token"), "from-file\n");
    Path envFile = Files.writeString(dir.resolve("env-token"), "from-env-file\n");
    Map<String, String> env = Map.of("AGENTCTL_TOKEN", "from-env", "AGENTCTL_TOKEN_FILE", envFile.toString());

    agentctl(env, "get", "summarizer", "--token", "from-flag", "--addr", coordinator.addr());
    agentctl(env, "get", "summarizer", "--token-file", tokenFile.toString(), "--addr", coordinator.addr());
    agentctl(env, "get", "summarizer", "--addr", coordinator.addr());
    agentctl(Map.of("AGENTCTL_TOKEN_FILE", envFile.toString()), "get", "summarizer", "--addr", coordinator.addr());
    agentctl("get", "summarizer", "--addr", coordinator.addr());
    AgentctlRun missing = agentctl(Map.of("AGENTCTL_TOKEN_FILE", dir.resolve("nope").toString()), "get",
        "summarizer", "--addr", coordinator.addr());

    assertThat(coordinator.received()).extracting(request -> request.header("Authorization"))
        .containsExactly("Bearer from-flag", "Bearer from-file", "Bearer from-env", "Bearer from-env-file", null);
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).contains("AGENTCTL_TOKEN_FILE").contains("nope");
  }

  @Test
  void tlsFilesThatCannotBeUsedAreUsageErrors(@TempDir Path dir) {
    AgentctlRun noKey = agentctl("--addr", "https://127.0.0.1:9", "--cert", dir.resolve("c.pem").toString(),
        "cluster", "status");
    assertThat(noKey.exitCode()).isEqualTo(2);
    assertThat(noKey.err()).contains("--cert and --key go together");

    AgentctlRun missing = agentctl(java.util.Map.of("AGENTCTL_CACERT", dir.resolve("none.pem").toString()),
        "--addr", "https://127.0.0.1:9", "cluster", "status");
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).contains("Invalid TLS file").contains("none.pem");
  }
}
