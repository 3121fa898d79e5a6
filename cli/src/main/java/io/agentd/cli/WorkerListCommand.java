package io.agentd.cli;

import io.agentd.cli.output.WorkerTable;
import io.agentd.client.Api;
import picocli.CommandLine.Command;

/** {@code agentctl worker list}: every worker. */
@Command(name = "list", aliases = "ls", description = "List workers.")
final class WorkerListCommand extends ApiCommand {

  @Override
  protected ExitCode execute() {
    output().print(client().send(Api.listWorkers()), workers -> WorkerTable.render(workers, output().wide()));
    return ExitCode.OK;
  }
}
