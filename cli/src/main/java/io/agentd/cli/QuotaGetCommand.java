package io.agentd.cli;

import io.agentd.cli.output.NamespaceTable;
import io.agentd.client.Api;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code agentctl quota get}: the namespace, whose quota and usage it shows. */
@Command(name = "get", description = "Show the quota and usage of a namespace.")
final class QuotaGetCommand extends ApiCommand {

  @Parameters(paramLabel = "NAMESPACE", description = "Namespace name.")
  String namespace;

  @Override
  protected ExitCode execute() {
    output().print(client().send(Api.getNamespace(namespace)),
        found -> NamespaceTable.render(List.of(found), output().wide()));
    return ExitCode.OK;
  }
}
