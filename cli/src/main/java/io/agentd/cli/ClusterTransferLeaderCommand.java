package io.agentd.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentd.client.Api;
import io.agentd.client.ApiReply;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code agentctl cluster transfer-leader [ID]}: moves Raft leadership, for maintenance of the leader's host. */
@Command(name = "transfer-leader", description = {"Move leadership to member ID, or to any member fit to lead (admin).",
    "Returns once the new leader leads."})
final class ClusterTransferLeaderCommand extends ApiCommand {
  @Parameters(index = "0", arity = "0..1", paramLabel = "ID", description = "the member to lead")
  String member;

  @Override
  protected ExitCode execute() {
    ApiReply<JsonNode> reply = client().send(Api.transferLeader(member));
    output().print(reply, r -> r.path("changed").asBoolean()
        ? "leader is now " + r.path("leader").asText() + " (term " + r.path("term").asLong() + ")\n"
        : r.path("leader").asText() + " leads already\n");
    return ExitCode.OK;
  }
}
