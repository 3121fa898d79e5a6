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

  @Override
  protected ExitCode execute() {
    String scope = allNamespaces ? null : namespace.get();
    output().print(client().send(Api.listAgents(scope, new AgentFilter(state, worker, labels))),
        agents -> AgentTable.render(agents, output().wide(), now()));
    return ExitCode.OK;
  }
}
