package io.agentd.cli.output;

import io.agentd.client.api.WorkerView;
import java.util.List;

/** Workers with their capacity; {@code wide} adds labels and revisions. */
public final class WorkerTable {

  private WorkerTable() {}

  public static String render(List<WorkerView> workers, boolean wide) {
    Table table = wide
        ? new Table("ID", "STATE", "ADDRESS", "ZONE", "SLOTS", "AGENTS", "LABELS", "REGISTERED", "REVISION")
        : new Table("ID", "STATE", "ADDRESS", "ZONE", "SLOTS", "AGENTS");
    for (WorkerView worker : workers) {
      String slots = worker.usedSlots() + "/" + worker.capacitySlots();
      if (wide) {
        table.row(worker.id(), worker.state(), worker.address(), worker.zone(), slots, worker.agents(),
            Cells.pairs(worker.labels()), worker.registerRevision(), worker.revision());
      } else {
        table.row(worker.id(), worker.state(), worker.address(), worker.zone(), slots, worker.agents());
      }
    }
    return table.render();
  }
}
