package io.agentd.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentd.client.Api;
import io.agentd.client.ApiReply;
import picocli.CommandLine.Command;

/**
 * {@code agentctl cluster health}: every member's role, contact, lag, applied index and version,
 * and a line per problem. Exit 0 when healthy, 6 when degraded.
 */
@Command(name = "health", description = {"Show every member's role, last contact, log lag, applied index and version.",
    "Exit 0 when the cluster is healthy; 6 when it is degraded, with a line per problem."})
final class ClusterHealthCommand extends ApiCommand {

  @Override
  protected ExitCode execute() {
    ApiReply<JsonNode> reply = client().send(Api.clusterHealth());
    JsonNode h = reply.value();
    output().print(reply, ClusterHealthCommand::render);
    return h.path("healthy").asBoolean() ? ExitCode.OK : ExitCode.UNAVAILABLE;
  }

  static String render(JsonNode h) {
    StringBuilder b = new StringBuilder();
    b.append(String.format("%-8s %-10s %-6s %-10s %-13s %-8s %-9s %s%n", "ID", "ROLE", "VOTER", "REACHABLE",
        "LAST-CONTACT", "LAG", "APPLIED", "VERSION"));
    for (JsonNode m : h.path("members")) {
      b.append(String.format("%-8s %-10s %-6s %-10s %-13s %-8s %-9s %s%n", m.path("id").asText(),
          m.path("role").asText(), m.path("voter").asBoolean() ? "yes" : "no",
          m.path("reachable").asBoolean() ? "yes" : "no",
          m.has("lastContactMs") ? m.path("lastContactMs").asLong() + " ms" : "-",
          m.has("lag") ? m.path("lag").asText() : "-", m.has("appliedIndex") ? m.path("appliedIndex").asText() : "-",
          m.path("version").asText("-")));
    }
    if (h.path("healthy").asBoolean()) {
      b.append("healthy\n");
    } else {
      for (JsonNode p : h.path("problems")) {
        b.append("problem: ").append(p.asText()).append('\n');
      }
    }
    return b.toString();
  }
}
