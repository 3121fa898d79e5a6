package io.agentd.cli;

import io.agentd.cli.output.MemberTable;
import io.agentd.client.Api;
import picocli.CommandLine.Command;

/** {@code agentctl cluster members}: the coordinators and their roles. */
@Command(name = "members", description = "List the coordinators and their roles.")
final class ClusterMembersCommand extends ApiCommand {

  @Override
  protected ExitCode execute() {
    output().print(client().send(Api.members()), MemberTable::render);
    return ExitCode.OK;
  }
}
