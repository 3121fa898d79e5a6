package io.agentd.cli;

import io.agentd.cli.output.TokenTable;
import io.agentd.client.Api;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code agentctl token list}: the tokens (admins only), never their secrets. */
@Command(name = "list", aliases = "ls", description = "List API tokens (admins only).")
final class TokenListCommand extends ApiCommand {

  @Option(names = {"-a", "--all"}, description = "Include revoked tokens.")
  boolean all;

  @Override
  protected ExitCode execute() {
    output().print(client().send(Api.listTokens(all)), tokens -> TokenTable.render(tokens, output().wide()));
    return ExitCode.OK;
  }
}
