package io.agentd.cli;

import io.agentd.cli.output.WorkerTable;
import io.agentd.client.Api;
import io.agentd.client.ApiReply;
import io.agentd.client.api.DrainRequest;
import io.agentd.client.api.WorkerView;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code agentctl worker drain}: no new placements; agents move off by migration. */
@Command(name = "drain", description = "Stop placing agents on a worker and migrate its agents elsewhere.")
final class WorkerDrainCommand extends ApiCommand {

  @Parameters(paramLabel = "ID", description = "Worker id.")
  String id;

  @Option(names = "--max-parallel", paramLabel = "N", defaultValue = "1",
      description = "Agents migrating at once (default: ${DEFAULT-VALUE}).")
  int maxParallel;

  @Option(names = "--wait", description = "Return when the worker runs no agent.")
  boolean wait;

  @Option(names = "--deadline", paramLabel = "D", defaultValue = "10m", converter = DurationConverter.class,
      description = "How long --wait waits (default: ${DEFAULT-VALUE}).")
  Duration deadline;

  @Override
  protected ExitCode execute() {
    if (maxParallel < 1) {
      throw usageError("--max-parallel must be at least 1");
    }
    ApiReply<WorkerView> reply = client().send(Api.drainWorker(id, new DrainRequest(maxParallel)));
    if (wait) {
      Waits.Outcome<WorkerView> out = Waits.until(client(), Api.getWorker(id),
          w -> w.agents() == 0 ? Waits.Verdict.DONE
              : "down".equals(w.state()) ? Waits.Verdict.DONE : Waits.Verdict.WAIT, deadline);
      reply = out.last();
      if (out.timedOut()) {
        note("timed out after " + deadline.toSeconds() + "s: worker " + id + " still runs "
            + reply.value().agents() + " agent(s)");
        output().print(reply, w -> WorkerTable.render(List.of(w), output().wide()));
        return ExitCode.TIMEOUT;
      }
    }
    output().print(reply, w -> WorkerTable.render(List.of(w), output().wide()));
    return ExitCode.OK;
  }
}
