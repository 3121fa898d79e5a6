package io.agentd.cli;

import io.agentd.client.Api;
import io.agentd.client.ApiReply;
import io.agentd.client.api.LogsView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code agentctl logs}: the agent's output, fetched from its worker through the coordinators. */
@Command(name = "logs", description = "Print the last lines of an agent's output (stdout and stderr).")
final class LogsCommand extends ApiCommand {

  @Parameters(paramLabel = "NAME", description = "Agent name.")
  String name;

  @Mixin
  NamespaceOption namespace;

  @Option(names = "--tail", paramLabel = "N", defaultValue = "100", description = "Lines (default: ${DEFAULT-VALUE}).")
  int tail;

  @Override
  protected ExitCode execute() {
    if (tail < 1) {
      throw usageError("--tail must be at least 1");
    }
    ApiReply<LogsView> reply = client().send(Api.logs(namespace.get(), name, tail));
    output().print(reply, logs -> String.join("\n", logs.lines()) + (logs.lines().isEmpty() ? "" : "\n"));
    return ExitCode.OK;
  }
}
