package io.agentd.cli.output;

import io.agentd.client.api.NamespaceView;
import io.agentd.client.api.QuotaView;
import io.agentd.client.api.UsageView;
import java.util.List;

/** Namespaces with their quota and usage; {@code wide} adds the revisions. */
public final class NamespaceTable {

  private NamespaceTable() {}

  public static String render(List<NamespaceView> namespaces, boolean wide) {
    Table table = wide
        ? new Table("NAME", "AGENTS", "MAX-AGENTS", "SLOTS", "MAX-SLOTS", "CREATED", "REVISION")
        : new Table("NAME", "AGENTS", "MAX-AGENTS", "SLOTS", "MAX-SLOTS");
    for (NamespaceView namespace : namespaces) {
      QuotaView quota = namespace.quota() == null ? QuotaView.unlimited() : namespace.quota();
      UsageView usage = namespace.usage() == null ? new UsageView(0, 0) : namespace.usage();
      if (wide) {
        table.row(namespace.name(), usage.agents(), Cells.limit(quota.maxAgents()), usage.slots(),
            Cells.limit(quota.maxSlots()), namespace.createRevision(), namespace.revision());
      } else {
        table.row(namespace.name(), usage.agents(), Cells.limit(quota.maxAgents()), usage.slots(),
            Cells.limit(quota.maxSlots()));
      }
    }
    return table.render();
  }
}
