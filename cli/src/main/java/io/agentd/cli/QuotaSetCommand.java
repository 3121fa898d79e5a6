package io.agentd.cli;

import io.agentd.cli.output.NamespaceTable;
import io.agentd.client.Api;
import io.agentd.client.api.NamespaceView;
import io.agentd.client.api.QuotaView;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code agentctl quota set}: changes the limits that are given and keeps the others. The API
 * replaces both limits at once, so this reads the current quota first; a concurrent change of
 * the other limit between the read and the write is lost.
 */
@Command(name = "set", description = "Change the quota of a namespace. Lowering it below usage only blocks new spawns.")
final class QuotaSetCommand extends ApiCommand {

  @Parameters(paramLabel = "NAMESPACE", description = "Namespace name.")
  String namespace;

  @Option(names = "--max-agents", paramLabel = "N|unlimited", converter = QuotaLimit.Converter.class,
      description = "Most agents the namespace may hold.")
  QuotaLimit maxAgents;

  @Option(names = "--max-slots", paramLabel = "N|unlimited", converter = QuotaLimit.Converter.class,
      description = "Most slots its agents may use together.")
  QuotaLimit maxSlots;

  @Override
  protected ExitCode execute() {
    if (maxAgents == null && maxSlots == null) {
      throw usageError("Give --max-agents, --max-slots or both");
    }
    QuotaView old = maxAgents != null && maxSlots != null ? QuotaView.unlimited() : currentQuota();
    QuotaView quota = new QuotaView(QuotaLimit.orElse(maxAgents, old.maxAgents()),
        QuotaLimit.orElse(maxSlots, old.maxSlots()));
    output().print(client().send(Api.setQuota(namespace, quota)),
        updated -> NamespaceTable.render(List.of(updated), output().wide()));
    return ExitCode.OK;
  }

  private QuotaView currentQuota() {
    NamespaceView current = client().getNamespace(namespace);
    return current.quota() == null ? QuotaView.unlimited() : current.quota();
  }
}
