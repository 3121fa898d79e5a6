package io.agentd.cli;

import io.agentd.cli.output.NamespaceTable;
import io.agentd.client.Api;
import io.agentd.client.api.CreateNamespaceRequest;
import io.agentd.client.api.QuotaView;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code agentctl namespace create}: a new namespace, unlimited unless limits are given. */
@Command(name = "create", description = "Create a namespace.")
final class NamespaceCreateCommand extends ApiCommand {

  @Parameters(paramLabel = "NAME", description = "Namespace name: a DNS label.")
  String name;

  @Option(names = "--max-agents", paramLabel = "N", description = "Most agents it may hold (default: unlimited).")
  Long maxAgents;

  @Option(names = "--max-slots", paramLabel = "N", description = "Most slots its agents may use (default: unlimited).")
  Long maxSlots;

  @Override
  protected ExitCode execute() {
    QuotaView quota = maxAgents == null && maxSlots == null ? null : new QuotaView(maxAgents, maxSlots);
    output().print(client().send(Api.createNamespace(new CreateNamespaceRequest(name, quota))),
        namespace -> NamespaceTable.render(List.of(namespace), output().wide()));
    return ExitCode.OK;
  }
}
