package io.agentd.cli.output;

import io.agentd.client.api.MemberView;
import java.util.List;

/** The coordinators of the Raft group. */
public final class MemberTable {

  private MemberTable() {}

  public static String render(List<MemberView> members) {
    boolean levels = members.stream().anyMatch(m -> m.featureLevels() != null);
    Table table = levels ? new Table("ID", "ROLE", "HTTP-ADDRESS", "RAFT-ADDRESS", "FEATURE-LEVELS")
        : new Table("ID", "ROLE", "HTTP-ADDRESS", "RAFT-ADDRESS");
    for (MemberView member : members) {
      if (levels) {
        table.row(member.id(), member.role(), member.httpAddress(), member.raftAddress(),
            member.featureLevels() == null ? "unknown" : member.featureLevels().toString());
      } else {
        table.row(member.id(), member.role(), member.httpAddress(), member.raftAddress());
      }
    }
    return table.render();
  }
}
