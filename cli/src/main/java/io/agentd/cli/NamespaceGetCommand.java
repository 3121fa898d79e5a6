package io.agentd.cli;

import io.agentd.cli.output.NamespaceTable;
import io.agentd.client.Api;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code agentctl namespace get}: one namespace with quota and usage. */
@Command(name = "get", description = "Show a namespace, its quota and usage.")
final class NamespaceGetCommand extends ApiCommand {

  @Parameters(paramLabel = "NAME", description = "Namespace name.")
  String name;

  @Override
  protected ExitCode execute() {
    output().print(client().send(Api.getNamespace(name)),
        namespace -> NamespaceTable.render(List.of(namespace), output().wide()));
    return ExitCode.OK;
  }
}
