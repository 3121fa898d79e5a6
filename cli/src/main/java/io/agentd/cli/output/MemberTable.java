package io.agentd.cli.output;

import io.agentd.client.api.MemberView;
import java.util.List;

/** The coordinators of the Raft group. */
public final class MemberTable {

  private MemberTable() {}

  public static String render(List<MemberView> members) {
    boolean levels = members.stream().anyMatch(m -> m.featureLevels() != null);
    boolean versions = members.stream().anyMatch(m -> m.version() != null);
    List<String> headers = new java.util.ArrayList<>(List.of("ID", "ROLE", "HTTP-ADDRESS", "RAFT-ADDRESS"));
    if (levels) {
      headers.add("FEATURE-LEVELS");
    }
    if (versions) {
      headers.add("VERSION");
    }
    Table table = new Table(headers.toArray(new String[0]));
    for (MemberView member : members) {
      List<Object> row = new java.util.ArrayList<>(java.util.Arrays.asList(
          member.id(), member.role(), member.httpAddress(), member.raftAddress()));
      if (levels) {
        row.add(member.featureLevels() == null ? "unknown" : member.featureLevels().toString());
      }
      if (versions) {
        row.add(member.version() == null ? "unknown" : member.version());
      }
      table.row(row.toArray());
    }
    return table.render();
  }
}
