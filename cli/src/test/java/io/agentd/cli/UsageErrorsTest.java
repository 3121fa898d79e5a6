package io.agentd.cli;

import io.agentd.client.FakeApiServer;
import static io.agentd.cli.AgentctlRun.agentctl;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad command lines exit 2 with a message on stderr and nothing on stdout, before any call. */
class UsageErrorsTest {

  @Test
  void unknownOption() {
    assertUsageError(agentctl("get", "a1", "--colour"), "Unknown option: '--colour'");
  }

  @Test
  void unknownCommandSuggestsTheNearest() {
    AgentctlRun run = agentctl("lsit");

    assertUsageError(run, "Unmatched argument");
    assertThat(run.err()).contains("ls");
  }

  @Test
  void missingCmd() {
    assertUsageError(agentctl("spawn", "a1"), "Missing required option: '--cmd=CMD'");
  }

  @Test
  void badDurationNamesTheOption() {
    assertUsageError(agentctl("get", "a1", "--timeout", "5x"),
        "Invalid value for option '--timeout': '5x' is not a duration");
  }

  @Test
  void timeoutOutOfRangeIsRefused() {
    assertUsageError(agentctl("get", "a1", "--timeout", "0s"), "Invalid value for option '--timeout'");
    assertUsageError(agentctl("get", "a1", "--timeout", "25h"), "at most 24h");
  }

  @Test
  void badKeyValue() {
    assertUsageError(agentctl("spawn", "a1", "--cmd", "sleep", "--env", "NOVALUE"), "'--env'");
    assertUsageError(agentctl("list", "--label", "team"), "'--label'");
    assertUsageError(agentctl("list", "--changed-after", "-1"), "'--changed-after'");
    assertUsageError(agentctl("list", "--changed-after", "soon"), "'--changed-after'");
  }

  @Test
  void badRestartPolicy() {
    assertUsageError(agentctl("spawn", "a1", "--cmd", "sleep", "--restart", "sometimes"),
        "Invalid value for option '--restart'");
  }

  @Test
  void badOutputFormat() {
    assertUsageError(agentctl("get", "a1", "-o", "xml"),
        "Invalid value for option '--output': expected table, wide, json or yaml but was 'xml'");
  }

  @Test
  void badAddress() {
    assertUsageError(agentctl("get", "a1", "--addr", "ftp://h:21"), "Invalid value for option '--addr'");
  }

  @Test
  void missingSubcommand() {
    assertUsageError(agentctl("meta"), "Missing required subcommand");
    assertUsageError(agentctl(), "Missing required subcommand");
  }

  @Test
  void badQuotaLimits() {
    assertUsageError(agentctl("quota", "set", "default"), "Give --max-agents, --max-slots or both");
    assertUsageError(agentctl("quota", "set", "default", "--max-agents", "-1"),
        "Invalid value for option '--max-agents'");
  }

  @Test
  void badCount() {
    assertUsageError(agentctl("watch", "--count", "0"), "Invalid value for option '--count'");
    assertUsageError(agentctl("watch", "--last", "0"), "Invalid value for option '--last'");
    assertUsageError(agentctl("watch", "--last", "5", "--after", "3"), "--last and --after do not go together");
  }

  @Test
  void unreadableOrDoubleToken(@TempDir Path dir) {
    assertUsageError(agentctl("get", "a1", "--token-file", dir.resolve("missing").toString()),
        "Invalid value for option '--token-file'");
    assertUsageError(agentctl("get", "a1", "--token", "t", "--token-file", dir.resolve("t").toString()),
        "either --token or --token-file");
  }

  @Test
  void deleteWithoutYesAndWithoutTerminalIsRefused() {
    try (FakeApiServer coordinator = FakeApiServer.scripted().on("DELETE", "/v1/namespaces/default/agents/a1", 200, Samples.AGENT)) {
      AgentctlRun run = agentctl("delete", "a1", "--addr", coordinator.addr());

      assertUsageError(run, "refusing to delete agent default/a1 without --yes");
      assertThat(coordinator.received()).isEmpty();
    }
  }

  private static void assertUsageError(AgentctlRun run, String message) {
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).startsWith("agentctl: ").contains(message);
  }
}
