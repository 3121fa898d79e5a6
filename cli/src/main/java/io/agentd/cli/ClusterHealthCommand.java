package io.agentd.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentd.client.Api;
import io.agentd.client.ApiReply;
import picocli.CommandLine.Command;

/**
 * {@code agentctl cluster health}: every member's role, contact, lag, applied index, free disk
 * space and version, and a line per problem. Exit 0 when healthy, 6 when degraded.
 */
@Command(name = "health", description = {"Show every member's role, last contact, log lag, applied index, free disk space"
    + " and version.",
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
    b.append(String.format("%-8s %-10s %-6s %-10s %-13s %-8s %-9s %-11s %s%n", "ID", "ROLE", "VOTER", "REACHABLE",
        "LAST-CONTACT", "LAG", "APPLIED", "DISK-FREE", "VERSION"));
    for (JsonNode m : h.path("members")) {
      b.append(String.format("%-8s %-10s %-6s %-10s %-13s %-8s %-9s %-11s %s%n", m.path("id").asText(),
          m.path("role").asText(), m.path("voter").asBoolean() ? "yes" : "no",
          m.path("reachable").asBoolean() ? "yes" : "no",
          m.has("lastContactMs") ? m.path("lastContactMs").asLong() + " ms" : "-",
          m.has("lag") ? m.path("lag").asText() : "-", m.has("appliedIndex") ? m.path("appliedIndex").asText() : "-",
          m.has("diskFreeBytes") ? bytes(m.path("diskFreeBytes").asLong()) + (m.path("diskLow").asBoolean() ? "!" : "")
              : "-",
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

  /** Bytes as people read them: 812MiB, 1.5GiB; a "!" after it marks a member below its min-free-disk. */
  static String bytes(long n) {
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    double v = n;
    int u = 0;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return (u == 0 || v >= 10 ? String.format(java.util.Locale.ROOT, "%.0f", v)
        : String.format(java.util.Locale.ROOT, "%.1f", v)) + units[u];
  }
}
