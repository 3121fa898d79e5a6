package io.agentd.cli.output;

import io.agentd.client.api.TokenView;
import java.util.List;

/** API tokens (never their secrets); {@code wide} adds when each was made and by which revision. */
public final class TokenTable {

  private TokenTable() {}

  public static String render(List<TokenView> tokens, boolean wide) {
    Table table = wide
        ? new Table("ID", "ROLE", "NAMESPACES", "WORKER", "EXPIRES", "STATE", "DESCRIPTION", "CREATED", "REVISION")
        : new Table("ID", "ROLE", "NAMESPACES", "WORKER", "EXPIRES", "STATE", "DESCRIPTION");
    for (TokenView t : tokens) {
      String namespaces = t.namespaces().isEmpty() ? "*" : String.join(",", t.namespaces());
      String state = t.revoked() ? "revoked" : "active";
      String expires = t.expiresAt() == null ? "never" : t.expiresAt();
      String description = t.description() == null || t.description().isEmpty() ? null : t.description();
      if (wide) {
        table.row(t.id(), t.role(), namespaces, t.workerId(), expires, state, description, t.createTime(),
            t.createRevision());
      } else {
        table.row(t.id(), t.role(), namespaces, t.workerId(), expires, state, description);
      }
    }
    return table.render();
  }
}
