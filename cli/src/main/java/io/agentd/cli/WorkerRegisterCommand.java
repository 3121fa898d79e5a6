package io.agentd.cli;

import io.agentd.cli.output.WorkerTable;
import io.agentd.client.Api;
import io.agentd.client.api.RegisterWorkerRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code agentctl worker register}: registers or updates a worker by hand, for operators and
 * tests; a worker daemon registers itself.
 */
@Command(name = "register", description = "Register a worker, or update its address, zone, labels and capacity.")
final class WorkerRegisterCommand extends ApiCommand {

  @Parameters(paramLabel = "ID", description = "Worker id.")
  String id;

  @Option(names = "--address", required = true, paramLabel = "HOST:PORT", description = "Address of its local API.")
  String address;

  @Option(names = "--zone", paramLabel = "ZONE", description = "Failure zone.")
  String zone;

  @Option(names = "--label", paramLabel = "k=v", description = "A label; repeatable.")
  Map<String, String> labels = new LinkedHashMap<>();

  @Option(names = "--slots", required = true, paramLabel = "N", description = "Capacity in slots.")
  int slots;

  @Override
  protected ExitCode execute() {
    output().print(client().send(Api.registerWorker(new RegisterWorkerRequest(id, address, zone, labels, slots))),
        worker -> WorkerTable.render(List.of(worker), output().wide()));
    return ExitCode.OK;
  }
}
