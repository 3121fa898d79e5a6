package io.agentd.cli.output;

import io.agentd.client.api.MemberView;
import java.util.List;

/** The coordinators of the Raft group. */
public final class MemberTable {

  private MemberTable() {}

  public static String render(List<MemberView> members) {
    Table table = new Table("ID", "ROLE", "HTTP-ADDRESS", "RAFT-ADDRESS");
    for (MemberView member : members) {
      table.row(member.id(), member.role(), member.httpAddress(), member.raftAddress());
    }
    return table.render();
  }
}
