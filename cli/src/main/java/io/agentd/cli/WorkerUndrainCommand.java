package io.agentd.cli;

import io.agentd.cli.output.WorkerTable;
import io.agentd.client.Api;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code agentctl worker undrain}: the worker takes new agents again. */
@Command(name = "undrain", description = "Let a draining worker take new agents again.")
final class WorkerUndrainCommand extends ApiCommand {

  @Parameters(paramLabel = "ID", description = "Worker id.")
  String id;

  @Override
  protected ExitCode execute() {
    output().print(client().send(Api.undrainWorker(id)), w -> WorkerTable.render(List.of(w), output().wide()));
    return ExitCode.OK;
  }
}
