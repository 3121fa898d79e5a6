package io.agentd.cli.output;

import io.agentd.client.api.AuditRecordView;
import java.util.List;

/** Audit records, oldest first; {@code wide} adds the client's address and request id. */
public final class AuditTable {

  private AuditTable() {}

  public static String render(List<AuditRecordView> records, boolean wide) {
    Table table = wide
        ? new Table("REVISION", "TIME", "ACTOR", "ROLE", "COMMAND", "TARGET", "RESULT", "REMOTE", "REQUEST")
        : new Table("REVISION", "TIME", "ACTOR", "ROLE", "COMMAND", "TARGET", "RESULT");
    for (AuditRecordView a : records) {
      String role = a.role() == null || a.role().isEmpty() ? null : a.role();
      String target = a.target() == null || a.target().isEmpty() ? null : a.target();
      if (wide) {
        String remote = a.remote() == null || a.remote().isEmpty() ? null : a.remote();
        table.row(a.revision(), a.time(), a.actor(), role, a.command(), target, a.result(), remote, a.requestId());
      } else {
        table.row(a.revision(), a.time(), a.actor(), role, a.command(), target, a.result());
      }
    }
    return table.render();
  }
}
