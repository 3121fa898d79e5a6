package io.agentd.cli;

import io.agentd.cli.output.AgentTable;
import io.agentd.client.Api;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code agentctl delete}: removes an agent, stopping it first. Destructive, so without
 * {@code --yes} it asks on the terminal, and refuses when there is none.
 */
@Command(name = "delete", description = "Delete an agent; a running agent is stopped first.")
final class DeleteCommand extends ApiCommand {

  @Parameters(paramLabel = "NAME", description = "Agent name.")
  String name;

  @Mixin
  NamespaceOption namespace;

  @Option(names = {"-y", "--yes"}, description = "Do not ask for confirmation (needed when stdin is not a terminal).")
  boolean yes;

  @Override
  protected ExitCode execute() {
    if (!confirmed(yes, "delete", "agent " + namespace.get() + "/" + name)) {
      return ExitCode.ERROR;
    }
    output().print(client().send(Api.deleteAgent(namespace.get(), name)),
        deleted -> AgentTable.render(List.of(deleted), output().wide(), now()));
    return ExitCode.OK;
  }
}
