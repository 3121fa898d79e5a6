package io.agentd.cli;

import io.agentd.cli.output.ProviderTable;
import io.agentd.client.Api;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code agentctl provider delete}: removes a provider; asks first unless {@code --yes}. */
@Command(name = "delete", description = "Delete a provider: its agents' reservations on it are refused from then on.")
final class ProviderDeleteCommand extends ApiCommand {

  @Parameters(paramLabel = "NAME", description = "Provider name.")
  String name;

  @Option(names = {"-y", "--yes"}, description = "Do not ask for confirmation (needed when stdin is not a terminal).")
  boolean yes;

  @Override
  protected ExitCode execute() {
    if (!confirmed(yes, "delete", "provider " + name)) {
      return ExitCode.ERROR;
    }
    output().print(client().send(Api.deleteProvider(name)),
        deleted -> ProviderTable.render(List.of(deleted), output().wide()));
    return ExitCode.OK;
  }
}
