package io.agentd.cli;

import io.agentd.cli.output.ProviderTable;
import io.agentd.client.Api;
import io.agentd.client.api.SetProviderRequest;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code agentctl provider set}: creates a provider or replaces its whole definition. Unlike
 * {@code quota set}, a limit not given is none afterwards: the command line is the definition.
 */
@Command(name = "set", description = {"Create a provider, or replace its whole definition: a limit not given"
    + " is none afterwards.",
    "The limits hold for the whole fleet; workers get fair shares of them."})
final class ProviderSetCommand extends ApiCommand {

  @Parameters(paramLabel = "NAME", description = "Provider name: a DNS label.")
  String name;

  @Option(names = "--rpm", required = true, paramLabel = "N", description = "Requests a minute over the fleet.")
  long rpm;

  @Option(names = "--tpm", paramLabel = "N", description = "Tokens a minute over the fleet (default: no limit).")
  Long tpm;

  @Option(names = "--max-concurrent", paramLabel = "N",
      description = "Calls in flight at once over the fleet (default: no bound).")
  Integer maxConcurrent;

  @Option(names = "--group", paramLabel = "G",
      description = "Provider group: a reservation on G takes its first provider, by priority, with capacity.")
  String group;

  @Option(names = "--priority", paramLabel = "P", description = "Place in the group, lower first (default: 0).")
  Integer priority;

  @Option(names = "--share", paramLabel = "NS=WEIGHT",
      description = "A namespace's weight in the fair division (default 1); repeatable.")
  Map<String, Integer> shares = new LinkedHashMap<>();

  @Option(names = "--price-per-1k-tokens", paramLabel = "USD",
      description = "Price of a thousand tokens in US dollars, for budgets (at most 6 decimals).")
  BigDecimal price;

  @Override
  protected ExitCode execute() {
    if (priority != null && group == null) {
      throw usageError("--priority orders providers within a --group; give the group too");
    }
    SetProviderRequest request = new SetProviderRequest(rpm, tpm, maxConcurrent, group, priority, shares, price);
    output().print(client().send(Api.setProvider(name, request)),
        provider -> ProviderTable.render(List.of(provider), output().wide()));
    return ExitCode.OK;
  }
}
