package io.agentd.cli;

import io.agentd.cli.output.NamespaceTable;
import io.agentd.client.Api;
import picocli.CommandLine.Command;

/** {@code agentctl namespace list}: every namespace. */
@Command(name = "list", aliases = "ls", description = "List namespaces.")
final class NamespaceListCommand extends ApiCommand {

  @Override
  protected ExitCode execute() {
    output().print(client().send(Api.listNamespaces()), namespaces -> NamespaceTable.render(namespaces, output().wide()));
    return ExitCode.OK;
  }
}
