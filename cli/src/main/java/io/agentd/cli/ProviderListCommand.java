package io.agentd.cli;

import io.agentd.cli.output.ProviderTable;
import io.agentd.client.Api;
import picocli.CommandLine.Command;

/** {@code agentctl provider list}: every provider. */
@Command(name = "list", aliases = "ls", description = "List providers.")
final class ProviderListCommand extends ApiCommand {

  @Override
  protected ExitCode execute() {
    output().print(client().send(Api.listProviders()), providers -> ProviderTable.render(providers, output().wide()));
    return ExitCode.OK;
  }
}
