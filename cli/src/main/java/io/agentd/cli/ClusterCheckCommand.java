package io.agentd.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentd.cli.output.Table;
import io.agentd.client.Api;
import io.agentd.client.ApiReply;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;

/**
 * {@code agentctl cluster check}: every member's state digest at one log index. Exit 0 when all
 * agree; 1 naming the members that differ; 6 when a member did not answer.
 */
@Command(name = "check", description = {"Compare every member's registry at one log index (admin).",
    "Each replica hashes its store once it has applied the same log entry; the server waits up to",
    "30 s for every digest, so give a large registry a longer --timeout than the default 10s.",
    "Exit 0 when all agree; 1 naming the member that differs; 6 when a member did not answer."})
final class ClusterCheckCommand extends ApiCommand {

  @Override
  protected ExitCode execute() {
    ApiReply<JsonNode> reply = client().send(Api.clusterCheck());
    JsonNode r = reply.value();
    output().print(reply, ClusterCheckCommand::render);
    if (r.path("differing").size() > 0) {
      List<String> ids = new ArrayList<>();
      r.path("differing").forEach(n -> ids.add(n.asText()));
      note("state differs at index " + r.path("index").asLong() + " on " + String.join(", ", ids));
      return ExitCode.ERROR;
    }
    if (r.path("unanswered").size() > 0) {
      List<String> ids = new ArrayList<>();
      r.path("unanswered").forEach(n -> ids.add(n.asText()));
      note("no state digest from " + String.join(", ", ids));
      return ExitCode.UNAVAILABLE;
    }
    return ExitCode.OK;
  }

  static String render(JsonNode r) {
    Table table = new Table("ID", "INDEX", "REVISION", "DIGEST", "AGREES");
    for (JsonNode m : r.path("members")) {
      table.row(m.path("id").asText(), m.has("index") ? m.path("index").asText() : "-",
          m.has("revision") ? m.path("revision").asText() : "-",
          m.has("digest") ? m.path("digest").asText().substring(0, 16) : m.path("error").asText("-"),
          m.path("agrees").asBoolean() ? "yes" : "no");
    }
    return table.render() + (r.path("agree").asBoolean()
        ? "all " + r.path("members").size() + " members agree at index " + r.path("index").asLong() + "\n" : "");
  }
}
