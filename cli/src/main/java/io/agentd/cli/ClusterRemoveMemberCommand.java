package io.agentd.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentd.client.Api;
import io.agentd.client.ApiReply;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code agentctl cluster remove-member ID}: takes a server out of the Raft group. */
@Command(name = "remove-member", description = {"Remove member ID from the Raft group (admin).",
    "Leadership moves off it first when it leads; stop its process afterwards."})
final class ClusterRemoveMemberCommand extends ApiCommand {
  @Parameters(index = "0", paramLabel = "ID", description = "the member to remove")
  String member;

  @Override
  protected ExitCode execute() {
    ApiReply<JsonNode> reply = client().send(Api.removeMember(member));
    output().print(reply, r -> {
      StringBuilder left = new StringBuilder();
      r.path("members").forEach(m -> left.append(left.isEmpty() ? "" : ", ").append(m.asText()));
      return "removed " + r.path("removed").asText() + "; members: " + left + "\n";
    });
    return ExitCode.OK;
  }
}
