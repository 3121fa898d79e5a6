package io.agentd.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentd.client.Api;
import io.agentd.client.ApiReply;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code agentctl cluster upgrade --to N}: raises the cluster feature level once every member supports it. */
@Command(name = "upgrade", description = {"Raise the cluster's feature level to N (admin).",
    "The rules of level N apply from the next log entry on. Refused (exit 4) unless every member",
    "answers and its build supports N; agentctl cluster status shows each member's range.",
    "A level is never lowered."})
final class ClusterUpgradeCommand extends ApiCommand {
  @Option(names = "--to", required = true, paramLabel = "N", description = "the feature level to reach")
  int level;

  @Override
  protected ExitCode execute() {
    ApiReply<JsonNode> reply = client().send(Api.clusterUpgrade(level));
    output().print(reply, r -> r.path("changed").asBoolean()
        ? "feature level " + r.path("previous").asInt() + " -> " + r.path("featureLevel").asInt() + ": "
            + r.path("adds").asText() + "\n"
        : "the cluster is at feature level " + r.path("featureLevel").asInt() + " already\n");
    return ExitCode.OK;
  }
}
