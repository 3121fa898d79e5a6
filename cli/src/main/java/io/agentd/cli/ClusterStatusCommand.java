package io.agentd.cli;

import io.agentd.cli.output.ClusterSummary;
import io.agentd.client.Api;
import picocli.CommandLine.Command;

/** {@code agentctl cluster status}: leader, term, indexes and members, as the answering node sees them. */
@Command(name = "status", description = "Show leader, term, commit and applied index, revision and members.")
final class ClusterStatusCommand extends ApiCommand {

  @Override
  protected ExitCode execute() {
    output().print(client().send(Api.clusterStatus()), ClusterSummary::render);
    return ExitCode.OK;
  }
}
