package io.agentd.cli;

import io.agentd.client.FakeApiServer;
import static io.agentd.cli.AgentctlRun.agentctl;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code agentctl spawn --from-file}: batches, output, exit codes, and bad files that send nothing. */
class SpawnFromFileTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PATH = "/v1/namespaces/default/agents:batch";

  @TempDir
  Path dir;

  private final FakeApiServer coordinator = FakeApiServer.scripted();

  @AfterEach
  void stop() {
    coordinator.close();
  }

  private static String answer(String... results) {
    int created = 0;
    int unchanged = 0;
    int rejected = 0;
    for (String r : results) {
      if (r.contains("\"created\"")) {
        created++;
      } else if (r.contains("\"unchanged\"")) {
        unchanged++;
      } else {
        rejected++;
      }
    }
    return "{\"results\": [" + String.join(",", results) + "], \"created\": " + created + ", \"unchanged\": "
        + unchanged + ", \"rejected\": " + rejected + "}";
  }

  private static String created(String name, long id) {
    return "{\"name\": \"" + name + "\", \"result\": \"created\", \"id\": " + id + ", \"revision\": " + id + "}";
  }

  private static String rejected(String name, String code) {
    return "{\"name\": \"" + name + "\", \"result\": \"rejected\", \"error\": {\"code\": \"" + code
        + "\", \"message\": \"no\"}}";
  }

  private Path file(String text) throws Exception {
    Path f = dir.resolve("agents.jsonl");
    Files.writeString(f, text);
    return f;
  }

  @Test
  void jsonLinesAreSentInBatchesEachWithItsOwnIdempotencyKey() throws Exception {
    coordinator.on("POST", PATH, 200, answer(created("a1", 10), created("a2", 11)))
        .on("POST", PATH, 200, answer(created("a3", 12)));
    Path f = file("""
        {"name": "a1", "spec": {"command": "sleep", "args": ["60"]}}
        {"name": "a2", "spec": {"command": "sleep", "labels": {"team": "x"}}}

        {"name": "a3", "spec": {"command": "sleep"}}
        """);

    AgentctlRun run = agentctl("spawn", "--from-file", f.toString(), "--batch-size", "2", "-o", "json",
        "--addr", coordinator.addr());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(coordinator.received()).hasSize(2);
    JsonNode firstBody = JSON.readTree(coordinator.received().get(0).body());
    assertThat(firstBody.path("agents")).hasSize(2);
    assertThat(firstBody.path("agents").get(1).path("spec").path("labels").path("team").asText()).isEqualTo("x");
    assertThat(JSON.readTree(coordinator.received().get(1).body()).path("agents")).hasSize(1);
    String key1 = coordinator.received().get(0).header("Idempotency-Key");
    assertThat(key1).isNotBlank().isNotEqualTo(coordinator.received().get(1).header("Idempotency-Key"));
    JsonNode out = JSON.readTree(run.out());
    assertThat(out.path("results")).hasSize(3);
    assertThat(out.path("created").asInt()).isEqualTo(3);
    assertThat(run.err()).contains("3 created, 0 unchanged, 0 rejected");
  }

  @Test
  void aJsonArrayWorksToo_andRejectionsSetTheExitCode() throws Exception {
    coordinator.on("POST", PATH, 200, answer(created("a1", 10), rejected("a2", "QUOTA_EXCEEDED")));
    Path f = file("[{\"name\": \"a1\", \"spec\": {\"command\": \"x\"}}, {\"name\": \"a2\", \"spec\": {\"command\": \"x\"}}]");

    AgentctlRun run = agentctl("spawn", "-f", f.toString(), "--addr", coordinator.addr());

    assertThat(run.exitCode()).isEqualTo(ExitCode.QUOTA.code());
    assertThat(run.out()).contains("a2").contains("rejected").contains("QUOTA_EXCEEDED");
    assertThat(run.err()).contains("1 created, 0 unchanged, 1 rejected");
  }

  @Test
  void rejectionsOfDifferentKindsExitWithOne() {
    assertThat(BatchSpawn.exitCode(java.util.List.of(
        new io.agentd.client.api.SpawnBatchItemView("a", "rejected", null, null,
            new io.agentd.client.api.ErrorDetail("QUOTA_EXCEEDED", "no")),
        new io.agentd.client.api.SpawnBatchItemView("b", "rejected", null, null,
            new io.agentd.client.api.ErrorDetail("ALREADY_EXISTS", "no"))))).isEqualTo(ExitCode.ERROR);
  }

  @Test
  void aMalformedFileSendsNothingAndExitsTwo() throws Exception {
    Path noName = file("{\"name\": \"a1\", \"spec\": {\"command\": \"x\"}}\n{\"spec\": {\"command\": \"x\"}}\n");
    AgentctlRun run = agentctl("spawn", "-f", noName.toString(), "--addr", coordinator.addr());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("agent 2 has no name");

    Path broken = file("{\"name\": \"a1\", \"spec\": {\"command\": \"x\"}\n");
    run = agentctl("spawn", "-f", broken.toString(), "--addr", coordinator.addr());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("not JSON lines or a JSON array");

    Path unknownField = file("{\"name\": \"a1\", \"spec\": {\"command\": \"x\", \"slotz\": 2}}");
    run = agentctl("spawn", "-f", unknownField.toString(), "--addr", coordinator.addr());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("slotz");

    run = agentctl("spawn", "-f", dir.resolve("missing.jsonl").toString(), "--addr", coordinator.addr());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("no such file");

    assertThat(coordinator.received()).isEmpty();
  }

  @Test
  void fromFileWithANameOrSpecFlagsIsAUsageError() throws Exception {
    Path f = file("{\"name\": \"a1\", \"spec\": {\"command\": \"x\"}}");
    AgentctlRun run = agentctl("spawn", "a1", "-f", f.toString(), "--addr", coordinator.addr());
    assertThat(run.exitCode()).isEqualTo(2);
    run = agentctl("spawn", "-f", f.toString(), "--batch-size", "1001", "--addr", coordinator.addr());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--batch-size");
    run = agentctl("spawn", "--cmd", "x", "--addr", coordinator.addr());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("NAME");
    assertThat(coordinator.received()).isEmpty();
  }

  @Test
  void aBatchTheServerRefusesStopsTheRunWithItsExitCode() throws Exception {
    coordinator.on("POST", PATH, 400, FakeApiServer.error("INVALID_ARGUMENT", "agents[0]: spec.slots bad"));
    Path f = file("{\"name\": \"a1\", \"spec\": {\"command\": \"x\", \"slots\": 0}}");
    AgentctlRun run = agentctl("spawn", "-f", f.toString(), "--addr", coordinator.addr());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("spec.slots");
  }
}
