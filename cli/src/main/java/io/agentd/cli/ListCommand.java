package io.agentd.cli;

import io.agentd.cli.output.AgentTable;
import io.agentd.client.AgentFilter;
import io.agentd.client.Api;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code agentctl list}: agents of a namespace, or of all, optionally filtered. */
@Command(name = "list", aliases = "ls", description = "List agents, sorted by namespace and name.")
final class ListCommand extends ApiCommand {

  @Mixin
  NamespaceOption namespace;

  @Option(names = {"-A", "--all-namespaces"}, description = "List the agents of every namespace.")
  boolean allNamespaces;

  @Option(names = "--state", paramLabel = "STATE",
      description = "Only agents in this state: pending, starting, running, migrating, stopping, stopped, failed.")
  String state;

  @Option(names = "--worker", paramLabel = "WORKER", description = "Only agents on this worker.")
  String worker;

  @Option(names = "--label", paramLabel = "k=v", description = "Only agents with this label; repeatable.")
  Map<String, String> labels = new LinkedHashMap<>();

  @Option(names = "--changed-after", paramLabel = "REVISION",
      description = "Only agents changed after this revision (their revision is greater).")
  Long changedAfter;

  @Override
  protected ExitCode execute() {
    String scope = allNamespaces ? null : namespace.get();
    AgentFilter filter = new AgentFilter(state, worker, labels);
    if (changedAfter != null && changedAfter < 0) {
      throw usageError("Invalid value for option '--changed-after': must be 0 or more, was " + changedAfter);
    }
    output().print(client().send(changedAfter == null ? Api.listAgents(scope, filter)
            : Api.listAgentsChangedAfter(scope, filter, changedAfter)),
        agents -> AgentTable.render(agents, output().wide(), now()));
    return ExitCode.OK;
  }
}
