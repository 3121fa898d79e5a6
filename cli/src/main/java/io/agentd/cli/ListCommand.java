package io.agentd.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.agentd.cli.output.AgentTable;
import io.agentd.client.AgentFilter;
import io.agentd.client.Api;
import io.agentd.client.ApiReply;
import io.agentd.client.api.AgentView;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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

  @Option(names = "--chunk-size", paramLabel = "N", defaultValue = "1000",
      description = "Agents asked for per request; the pages are joined (default: ${DEFAULT-VALUE}, at most 100000).")
  int chunkSize;

  /** Bounds the page loop: 100,000 pages of at least one agent each. */
  private static final int MAX_PAGES = 100_000;

  @Option(names = "--changed-after", paramLabel = "REVISION",
      description = "Only agents changed after this revision (their revision is greater).")
  Long changedAfter;

  @Override
  protected ExitCode execute() {
    if (chunkSize < 1 || chunkSize > 100_000) {
      throw usageError("--chunk-size must be between 1 and 100000, got " + chunkSize);
    }
    String scope = allNamespaces ? null : namespace.get();
    AgentFilter filter = new AgentFilter(state, worker, labels);
    if (changedAfter != null && changedAfter < 0) {
      throw usageError("Invalid value for option '--changed-after': must be 0 or more, was " + changedAfter);
    }
    // Page by page, as `kubectl get` does: each page is a linearizable read of its own, so a list
    // that spans pages is not one snapshot (an agent changed between two pages shows as it was
    // when its page was read), but no agent that exists throughout is missed or listed twice.
    List<AgentView> agents = new ArrayList<>();
    ArrayNode json = JsonNodeFactory.instance.arrayNode();
    String token = null;
    ApiReply<List<AgentView>> page = null;
    for (int i = 0; i < MAX_PAGES; i++) {
      page = client().send(changedAfter == null ? Api.listAgents(scope, filter, chunkSize, token)
          : Api.listAgentsChangedAfter(scope, filter, changedAfter, chunkSize, token));
      agents.addAll(page.value());
      if (page.json() != null && page.json().isArray()) {
        json.addAll((ArrayNode) page.json());
      }
      token = page.continueToken();
      if (token == null) {
        break;
      }
    }
    ApiReply<List<AgentView>> all = new ApiReply<>(page.status(), agents, json, page.revision());
    output().print(all, list -> AgentTable.render(list, output().wide(), now()));
    return ExitCode.OK;
  }
}
