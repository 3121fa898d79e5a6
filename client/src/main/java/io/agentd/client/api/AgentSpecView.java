package io.agentd.client.api;

import java.util.List;
import java.util.Map;

/**
 * What to run: the {@code spec} of an Agent, as sent in a spawn request and answered in the
 * Agent object.
 *
 * @param command executable; required when spawning
 * @param args arguments, never {@code null}
 * @param env environment added to the agent's process, never {@code null}
 * @param workingDir working directory, or {@code null} for the worker's default
 * @param slots capacity the agent takes on a worker; {@code null} asks for the default (1)
 * @param labels labels, never {@code null}
 * @param constraints worker labels the agent requires (a worker must have each key=value), never
 *     {@code null}
 * @param restart {@code always}, {@code on-failure} or {@code never}; {@code null} asks for the
 *     default ({@code on-failure})
 */
public record AgentSpecView(
    String command,
    List<String> args,
    Map<String, String> env,
    String workingDir,
    Integer slots,
    Map<String, String> labels,
    Map<String, String> constraints,
    String restart) {

  public AgentSpecView {
    args = WireCollections.list(args);
    env = WireCollections.map(env);
    labels = WireCollections.map(labels);
    constraints = WireCollections.map(constraints);
  }
}
