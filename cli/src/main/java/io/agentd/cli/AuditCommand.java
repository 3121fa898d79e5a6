package io.agentd.cli;

import io.agentd.cli.output.AuditTable;
import io.agentd.client.Api;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code agentctl audit}: who did what, from the audit trail (admins only). */
@Command(name = "audit", description = {"Show the audit trail (admins only): every applied command, refused"
    + " ones too, with the token, role and address that asked and the answer. Oldest first."})
final class AuditCommand extends ApiCommand {

  @Option(names = "--since", paramLabel = "WHEN",
      description = "Only records since WHEN: a duration back from now (1h, 30m) or an RFC 3339 time.")
  String since;

  @Option(names = "--after", paramLabel = "REV", defaultValue = "0",
      description = "Only records after this revision.")
  long after;

  @Option(names = "--actor", paramLabel = "ID", description = "Only this token's (t42), or a service's.")
  String actor;

  @Option(names = {"-n", "--namespace"}, paramLabel = "NS", description = "Only commands on this namespace.")
  String namespace;

  @Option(names = "--command", paramLabel = "KIND", description = "Only this command (SpawnAgent, RevokeToken, ...).")
  String command;

  @Option(names = "--limit", paramLabel = "N", defaultValue = "100",
      description = "The last N matching records (1 to 10000; default: ${DEFAULT-VALUE}).")
  int limit;

  @Override
  protected ExitCode execute() {
    if (after < 0) {
      throw usageError("--after must be 0 or more");
    }
    if (limit < 1 || limit > 10_000) {
      throw usageError("--limit must be between 1 and 10000");
    }
    output().print(client().send(Api.audit(since, after, actor, namespace, command, limit)),
        records -> AuditTable.render(records, output().wide()));
    return ExitCode.OK;
  }
}
