package io.agentd.cli;

import io.agentd.cli.output.OutputFormat;
import io.agentd.cli.output.TokenTable;
import io.agentd.client.Api;
import io.agentd.client.ApiReply;
import io.agentd.client.api.CreateTokenRequest;
import io.agentd.client.api.CreatedTokenView;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code agentctl token create}: a new token. Its secret is printed once, alone on stdout in the
 * table format (so {@code TOKEN=$(agentctl token create ...)} works), the token's details on stderr.
 */
@Command(name = "create", description = {"Create an API token (admins only) and print its secret, once.",
    "Roles: admin (everything), operator (agents, namespaces and quotas; with --namespace only those),"
        + " reader (reads; with --namespace only those), worker (what the worker --worker-id does)."})
final class TokenCreateCommand extends ApiCommand {

  @Option(names = "--role", required = true, paramLabel = "ROLE",
      description = "admin, operator, reader or worker.")
  String role;

  @Option(names = {"-n", "--namespace"}, paramLabel = "NS",
      description = "Limit an operator or reader token to this namespace (repeatable).")
  List<String> namespaces = new ArrayList<>();

  @Option(names = "--worker-id", paramLabel = "ID", description = "The worker a worker token acts for.")
  String workerId;

  @Option(names = "--ttl", paramLabel = "D", description = "Expire after D (30d, 12h, ...); default: never.")
  String ttl;

  @Option(names = "--description", paramLabel = "TEXT", description = "What the token is for.")
  String description;

  @Override
  protected ExitCode execute() {
    ApiReply<CreatedTokenView> reply = client().send(Api.createToken(
        new CreateTokenRequest(role, namespaces, workerId, ttl, description)));
    if (output().format() == OutputFormat.TABLE || output().format() == OutputFormat.WIDE) {
      err().print(TokenTable.render(List.of(reply.value().token()), output().wide()));
      note("the secret below is shown this once; keep it in a file readable only by its user");
      output().print(reply, created -> created.secret() + "\n");
    } else {
      output().print(reply, created -> created.secret() + "\n");
    }
    return ExitCode.OK;
  }
}
