package io.agentd.cli;

import io.agentd.cli.output.TokenTable;
import io.agentd.client.Api;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code agentctl token whoami}: the token agentctl is using, as the server sees it. */
@Command(name = "whoami", description = "Show the token in use: its id, role and scope.")
final class TokenWhoamiCommand extends ApiCommand {

  @Override
  protected ExitCode execute() {
    output().print(client().send(Api.whoami()), t -> TokenTable.render(List.of(t), output().wide()));
    return ExitCode.OK;
  }
}
