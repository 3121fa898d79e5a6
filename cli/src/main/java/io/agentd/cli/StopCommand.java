package io.agentd.cli;

import io.agentd.cli.output.AgentTable;
import io.agentd.client.Api;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code agentctl stop}: asks for an agent to stop; it stays registered. */
@Command(name = "stop", description = "Stop an agent. It is 'stopping' while its worker shuts it down.")
final class StopCommand extends ApiCommand {

  @Parameters(paramLabel = "NAME", description = "Agent name.")
  String name;

  @Mixin
  NamespaceOption namespace;

  @Override
  protected ExitCode execute() {
    output().print(client().send(Api.stopAgent(namespace.get(), name)),
        agent -> AgentTable.render(List.of(agent), output().wide(), now()));
    return ExitCode.OK;
  }
}
