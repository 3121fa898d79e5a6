package io.agentd.cli;

import io.agentd.cli.output.ProviderTable;
import io.agentd.client.Api;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code agentctl provider get}: one provider and its limits. */
@Command(name = "get", description = "Show a provider and its limits.")
final class ProviderGetCommand extends ApiCommand {

  @Parameters(paramLabel = "NAME", description = "Provider name.")
  String name;

  @Override
  protected ExitCode execute() {
    output().print(client().send(Api.getProvider(name)),
        provider -> ProviderTable.render(List.of(provider), output().wide()));
    return ExitCode.OK;
  }
}
