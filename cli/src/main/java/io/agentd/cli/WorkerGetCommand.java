package io.agentd.cli;

import io.agentd.cli.output.WorkerTable;
import io.agentd.client.Api;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code agentctl worker get}: one worker. */
@Command(name = "get", description = "Show one worker.")
final class WorkerGetCommand extends ApiCommand {

  @Parameters(paramLabel = "ID", description = "Worker id.")
  String id;

  @Override
  protected ExitCode execute() {
    output().print(client().send(Api.getWorker(id)), worker -> WorkerTable.render(List.of(worker), output().wide()));
    return ExitCode.OK;
  }
}
