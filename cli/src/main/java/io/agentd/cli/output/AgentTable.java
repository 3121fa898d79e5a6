package io.agentd.cli.output;

import io.agentd.client.api.AgentView;
import java.time.Instant;
import java.util.List;

/** Agents as a table; {@code wide} adds the desired state, command, labels and revision. */
public final class AgentTable {

  private AgentTable() {}

  public static String render(List<AgentView> agents, boolean wide, Instant now) {
    Table table = wide
        ? new Table("NAMESPACE", "NAME", "STATE", "DESIRED", "WORKER", "TOKEN", "SLOTS", "RESTARTS", "AGE",
            "REVISION", "LABELS", "COMMAND")
        : new Table("NAMESPACE", "NAME", "STATE", "WORKER", "TOKEN", "SLOTS", "RESTARTS", "AGE");
    for (AgentView agent : agents) {
      Integer slots = agent.spec() == null ? null : agent.spec().slots();
      String age = Cells.age(agent.createTime(), now);
      if (wide) {
        table.row(agent.namespace(), agent.name(), agent.state(), agent.desiredState(), agent.worker(),
            agent.fencingToken(), slots, agent.restarts(), age, agent.revision(),
            agent.spec() == null ? null : Cells.pairs(agent.spec().labels()),
            agent.spec() == null ? null : Cells.commandLine(agent.spec().command(), agent.spec().args()));
      } else {
        table.row(agent.namespace(), agent.name(), agent.state(), agent.worker(), agent.fencingToken(), slots,
            agent.restarts(), age);
      }
    }
    return table.render();
  }
}
