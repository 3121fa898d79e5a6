package io.agentd.cli;

import io.agentd.cli.output.AgentTable;
import io.agentd.client.Api;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code agentctl get}: one agent. */
@Command(name = "get", description = "Show one agent.")
final class GetCommand extends ApiCommand {

  @Parameters(paramLabel = "NAME", description = "Agent name.")
  String name;

  @Mixin
  NamespaceOption namespace;

  @Override
  protected ExitCode execute() {
    output().print(client().send(Api.getAgent(namespace.get(), name)),
        agent -> AgentTable.render(List.of(agent), output().wide(), now()));
    return ExitCode.OK;
  }
}
