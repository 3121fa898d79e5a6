package io.agentd.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentd.cli.output.ClusterSummary;
import io.agentd.client.AgentdException;
import io.agentd.client.Api;
import io.agentd.client.ApiReply;
import io.agentd.client.api.ClusterStatusView;
import io.agentd.client.api.FeatureLevelsView;
import io.agentd.client.api.MemberView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;

/**
 * {@code agentctl cluster status}: leader, term, indexes, the feature level and the members, as the
 * answering node sees them, with the feature levels each member's build supports (asked of every
 * member through {@code cluster health}; {@code unknown} for one that does not answer or runs a
 * build from before feature levels).
 */
@Command(name = "status", description = {"Show leader, term, indexes, feature level and members.",
    "Each member is shown with the feature levels its build supports (unknown: it did not answer,",
    "or runs a build from before feature levels)."})
final class ClusterStatusCommand extends ApiCommand {

  @Override
  protected ExitCode execute() {
    ApiReply<ClusterStatusView> reply = client().send(Api.clusterStatus());
    Map<String, FeatureLevelsView> ranges = new HashMap<>();
    Map<String, String> versions = new HashMap<>();
    askHealth(ranges, versions);
    ClusterStatusView s = reply.value();
    List<MemberView> members = new ArrayList<>();
    for (MemberView m : s.members()) {
      members.add(new MemberView(m.id(), m.raftAddress(), m.httpAddress(), m.role(),
          ranges.containsKey(m.id()) ? ranges.get(m.id()) : m.featureLevels(),
          versions.getOrDefault(m.id(), m.version())));
    }
    ClusterStatusView merged = new ClusterStatusView(s.clusterId(), s.nodeId(), s.leader(), s.term(),
        s.commitIndex(), s.appliedIndex(), s.revision(), members, s.featureLevel());
    JsonNode json = reply.json();
    if (json instanceof ObjectNode o && o.path("members").isArray()) {
      for (JsonNode m : o.path("members")) {
        FeatureLevelsView r = ranges.get(m.path("id").asText());
        if (m instanceof ObjectNode mo && r != null) {
          mo.putObject("featureLevels").put("min", r.min()).put("max", r.max());
        }
        String v = versions.get(m.path("id").asText());
        if (m instanceof ObjectNode mo && v != null) {
          mo.put("version", v);
        }
      }
    }
    output().print(new ApiReply<>(reply.status(), merged, json, reply.revision()), ClusterSummary::render);
    return ExitCode.OK;
  }

  /**
   * Each member's supported levels and build as it told {@code cluster health}; none when health
   * fails.
   */
  private void askHealth(Map<String, FeatureLevelsView> ranges, Map<String, String> versions) {
    try {
      for (JsonNode m : client().send(Api.clusterHealth()).value().path("members")) {
        String id = m.path("id").asText();
        JsonNode r = m.path("featureLevels");
        if (r.isObject()) {
          ranges.put(id, new FeatureLevelsView(r.path("min").asInt(), r.path("max").asInt()));
        }
        if (m.path("version").isTextual() && !m.path("version").asText().isEmpty()) {
          versions.put(id, m.path("version").asText()
              + (m.path("commit").isTextual() ? " (commit " + m.path("commit").asText() + ")" : ""));
        }
      }
    } catch (AgentdException e) {
      // a server before cluster health, or none answering: the ranges stay unknown
    }
  }
}
