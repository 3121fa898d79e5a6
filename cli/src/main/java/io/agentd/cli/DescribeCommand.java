package io.agentd.cli;

import io.agentd.cli.output.AgentDescription;
import io.agentd.client.Api;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code agentctl describe}: one agent in full, readable. */
@Command(name = "describe", description = "Show one agent in detail: spec, state, worker, token, metadata.")
final class DescribeCommand extends ApiCommand {

  @Parameters(paramLabel = "NAME", description = "Agent name.")
  String name;

  @Mixin
  NamespaceOption namespace;

  @Override
  protected ExitCode execute() {
    output().print(client().send(Api.getAgent(namespace.get(), name)),
        agent -> AgentDescription.render(agent, now()));
    return ExitCode.OK;
  }
}
