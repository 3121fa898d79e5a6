package io.agentd.cli.output;

import io.agentd.client.api.AgentSpecView;
import io.agentd.client.api.AgentView;
import io.agentd.client.api.AssignmentView;
import io.agentd.client.api.MetadataEntryView;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The readable multi-line view of one agent, for {@code agentctl describe}. */
public final class AgentDescription {

  private AgentDescription() {}

  public static String render(AgentView agent, Instant now) {
    Fields fields = new Fields(17, "")
        .add("Name", agent.name())
        .add("Namespace", agent.namespace())
        .add("ID", agent.id())
        .add("State", agent.state())
        .add("Desired state", agent.desiredState())
        .add("Pending reason", agent.pendingReason())
        .add("Worker", agent.worker())
        .add("Fencing token", agent.fencingToken())
        .add("Last exit", agent.exitCode())
        .add("Restarts", agent.restarts())
        .add("Health", agent.health() == null ? null
            : agent.health().status() + (agent.health().progress().isEmpty() ? "" : ": " + agent.health().progress())
                + " (" + Cells.age(agent.health().time(), now) + " ago)")
        .add("Reschedules", agent.reschedules() == 0 ? null : agent.reschedules())
        .add("Migrating to", agent.state().equals("migrating")
            ? (agent.migrateTo() == null ? "any other worker" : agent.migrateTo()) : null)
        .add("Checkpoint", agent.checkpointRevision() == null ? null
            : "saved at revision " + agent.checkpointRevision())
        .add("Created", agent.createTime() == null ? null
            : agent.createTime() + " (" + Cells.age(agent.createTime(), now) + " ago, revision "
                + agent.createRevision() + ")")
        .add("Updated", agent.updateTime() == null ? null
            : agent.updateTime() + " (revision " + agent.revision() + ")");
    StringBuilder text = new StringBuilder(fields.toString());
    AgentSpecView spec = agent.spec();
    if (spec != null) {
      text.append("Spec:\n").append(new Fields(15, "  ")
          .add("Command", Cells.commandLine(spec.command(), List.of()))
          .add("Args", spec.args().isEmpty() ? null : Cells.commandLine("", spec.args()).strip())
          .add("Working dir", spec.workingDir())
          .add("Slots", spec.slots())
          .add("Restart", spec.restart())
          .add("Labels", Cells.pairs(spec.labels()))
          .add("Env", Cells.pairs(spec.env())));
    }
    text.append("Assignments:");
    if (agent.history().isEmpty() && agent.worker() == null) {
      text.append(" -\n");
    } else {
      Table table = new Table("WORKER", "TOKEN", "RESTARTS", "ENDED", "OUTCOME");
      for (AssignmentView a : agent.history()) {
        table.row(a.worker(), a.fencingToken(), a.restarts(),
            Cells.age(a.endTime(), now) + " ago (rev " + a.endRevision() + ")", a.outcome());
      }
      if (agent.worker() != null) {
        table.row(agent.worker(), agent.fencingToken(), "-", "-", "current: " + agent.state());
      }
      text.append('\n');
      table.render().lines().forEach(line -> text.append("  ").append(line).append('\n'));
    }
    text.append("Metadata:");
    if (agent.metadata().isEmpty()) {
      text.append(" -\n");
    } else {
      Table table = new Table("KEY", "VALUE", "VERSION");
      for (Map.Entry<String, MetadataEntryView> entry : agent.metadata().entrySet()) {
        table.row(entry.getKey(), entry.getValue().value(), entry.getValue().version());
      }
      text.append('\n');
      table.render().lines().forEach(line -> text.append("  ").append(line).append('\n'));
    }
    return text.toString();
  }
}
