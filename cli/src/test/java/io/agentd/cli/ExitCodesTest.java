package io.agentd.cli;

import io.agentd.client.FakeApiServer;
import static io.agentd.cli.AgentctlRun.agentctl;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExitCodesTest {

  @ParameterizedTest(name = "{0} {1} exits {2}")
  @CsvSource({
      "400, INVALID_ARGUMENT, 2",
      "413, PAYLOAD_TOO_LARGE, 2",
      "404, NOT_FOUND, 3",
      "409, ALREADY_EXISTS, 4",
      "409, VERSION_MISMATCH, 4",
      "409, FAILED_PRECONDITION, 4",
      "403, QUOTA_EXCEEDED, 5",
      "503, UNAVAILABLE, 6",
      "401, UNAUTHENTICATED, 7",
      "403, PERMISSION_DENIED, 7",
      "504, TIMEOUT, 8",
      "500, INTERNAL, 1",
      "405, METHOD_NOT_ALLOWED, 1",
      "429, SOMETHING_NEW, 5",
      "429, TOO_MANY_REQUESTS, 5",
      "507, INSUFFICIENT_STORAGE, 5",
  })
  void apiErrorCodeChoosesTheExitCodeAndIsPrintedOnStderr(int status, String code, int exitCode) {
    try (FakeApiServer coordinator = FakeApiServer.scripted().failEverything(status, code)) {
      AgentctlRun run = agentctl("spawn", "a1", "--cmd", "sleep", "--addr", coordinator.addr(), "--timeout", "1s");

      assertThat(run.exitCode()).isEqualTo(exitCode);
      assertThat(run.out()).isEmpty();
      assertThat(run.err()).startsWith("agentctl: " + code + ": scripted " + code);
    }
  }

  @Test
  void tooManyRequestsExitsFiveAndSaysWhereAndWhenToRetry() {
    try (FakeApiServer coordinator = FakeApiServer.start(request -> new FakeApiServer.Answer(429,
        FakeApiServer.error("TOO_MANY_REQUESTS", "1024 commands are already waiting"),
        java.util.Map.of("Content-Type", "application/json", "Retry-After", "30")))) {
      AgentctlRun run = agentctl("spawn", "a1", "--cmd", "sleep", "--addr", coordinator.addr(), "--timeout", "2s");

      assertThat(run.exitCode()).isEqualTo(5);
      assertThat(run.out()).isEmpty();
      assertThat(run.err()).isEqualTo("agentctl: TOO_MANY_REQUESTS: 1024 commands are already waiting\n"
          + "agentctl: too many requests at " + coordinator.uri().getAuthority() + "; retry after 30s\n");
      assertThat(coordinator.received()).as("the advised wait is past the deadline: no retry").hasSize(1);
    }
  }

  @Test
  void insufficientStorageExitsFiveAndNamesTheServerThatAnswered() {
    try (FakeApiServer coordinator = FakeApiServer.scripted().failEverything(507, "INSUFFICIENT_STORAGE")) {
      AgentctlRun run = agentctl("spawn", "a1", "--cmd", "sleep", "--addr", coordinator.addr(), "--timeout", "2s");

      assertThat(run.exitCode()).isEqualTo(5);
      assertThat(run.err()).endsWith("agentctl: insufficient storage at " + coordinator.uri().getAuthority() + "\n");
    }
  }

  @Test
  void noReachableEndpointExitsUnavailable() {
    AgentctlRun run = agentctl("get", "a1", "--addr", FakeApiServer.closedAddress());

    assertThat(run.exitCode()).isEqualTo(6);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).startsWith("agentctl: UNAVAILABLE: no endpoint reachable");
  }

  @Test
  void noAnswerWithinTheTimeoutExitsTimedOut() {
    try (FakeApiServer coordinator = FakeApiServer.scripted().otherwise(200, Samples.AGENT, 3_000)) {
      AgentctlRun run = agentctl("get", "summarizer", "--addr", coordinator.addr(), "--timeout", "300ms");

      assertThat(run.exitCode()).isEqualTo(8);
      assertThat(run.err()).startsWith("agentctl: TIMEOUT: ");
    }
  }

  @Test
  void helpListsEveryExitCode() {
    AgentctlRun run = agentctl("--help");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("Exit codes:");
    for (ExitCode exit : ExitCode.values()) {
      assertThat(run.out()).containsPattern("(?m)^\\s+" + exit.code() + "\\s+" + java.util.regex.Pattern.quote(exit.meaning()));
    }
    assertThat(agentctl("get", "--help").out()).contains("Exit codes:", "130");
  }

  @Test
  void aFailedTlsHandshakeHasAnExitCodeOfItsOwn() {
    assertThat(ExitCodeMapper.forApiError(io.agentd.client.AgentdException.TLS_FAILED, 0)).isEqualTo(ExitCode.TLS);
    assertThat(ExitCode.TLS.code()).isEqualTo(9).isNotEqualTo(ExitCode.UNAVAILABLE.code());
  }
}
