package io.agentd.cli;

import io.agentd.cli.output.AgentTable;
import io.agentd.client.Api;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code agentctl start}: runs a stopped or failed agent again, with its spec and metadata. */
@Command(name = "start", description = {"Run a stopped or failed agent again, with its spec, metadata and history kept.",
    "Needs cluster feature level 2 (agentctl cluster upgrade --to 2); exit 4 before it."})
final class StartCommand extends ApiCommand {

  @Parameters(paramLabel = "NAME", description = "Agent name.")
  String name;

  @Mixin
  NamespaceOption namespace;

  @Override
  protected ExitCode execute() {
    output().print(client().send(Api.startAgent(namespace.get(), name)),
        agent -> AgentTable.render(List.of(agent), output().wide(), now()));
    return ExitCode.OK;
  }
}
