package io.agentd.cli;

import io.agentd.cli.output.TokenTable;
import io.agentd.client.Api;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code agentctl token revoke}: the token stops working on every server. */
@Command(name = "revoke", description = "Revoke an API token (admins only); revoking a revoked one is a no-op.")
final class TokenRevokeCommand extends ApiCommand {

  @Parameters(paramLabel = "ID", description = "Token id, as token list shows it (t42).")
  String id;

  @Override
  protected ExitCode execute() {
    output().print(client().send(Api.revokeToken(id)), t -> TokenTable.render(List.of(t), output().wide()));
    return ExitCode.OK;
  }
}
