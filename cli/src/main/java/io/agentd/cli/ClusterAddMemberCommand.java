package io.agentd.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentd.client.Api;
import io.agentd.client.ApiReply;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code agentctl cluster add-member ID --raft-addr H:P --http-addr H:P}: a new server joins the group. */
@Command(name = "add-member", description = {"Add a server to the Raft group as a learner (admin).",
    "Start it first: agentd server --join URL --node-id ID on an empty data dir. The leader makes it a"
        + " voter once it has caught up (cluster members shows it as learner until then)."})
final class ClusterAddMemberCommand extends ApiCommand {
  @Parameters(index = "0", paramLabel = "ID", description = "the new member's node id")
  String member;

  @Option(names = "--raft-addr", required = true, paramLabel = "HOST:PORT", description = "where its Raft listens")
  String raftAddress;

  @Option(names = "--http-addr", required = true, paramLabel = "HOST:PORT", description = "where its API listens")
  String httpAddress;

  @Override
  protected ExitCode execute() {
    ApiReply<JsonNode> reply = client().send(Api.addMember(member, raftAddress, httpAddress));
    output().print(reply, r -> "added " + member + " as a learner; it becomes a voter once it has caught up\n");
    return ExitCode.OK;
  }
}
