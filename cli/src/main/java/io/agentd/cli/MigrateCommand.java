package io.agentd.cli;

import io.agentd.cli.output.AgentTable;
import io.agentd.client.Api;
import io.agentd.client.ApiReply;
import io.agentd.client.api.AgentView;
import io.agentd.client.api.MigrateRequest;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code agentctl migrate}: two-phase move with checkpoint handoff. */
@Command(name = "migrate", description = {
    "Move an agent to another worker, with its checkpoint.",
    "Its worker stops it and hands back its checkpoint; then it starts elsewhere",
    "(with a new fencing token) from that checkpoint."})
final class MigrateCommand extends ApiCommand {

  @Parameters(paramLabel = "NAME", description = "Agent name.")
  String name;

  @Mixin
  NamespaceOption namespace;

  @Option(names = "--to", paramLabel = "WORKER", description = "Target worker (default: any other ready worker).")
  String to;

  @Option(names = "--wait", description = "Return when the agent runs on its new worker (or fail with the reason).")
  boolean wait;

  @Option(names = "--wait-timeout", paramLabel = "D", defaultValue = "5m", converter = DurationConverter.class,
      description = "How long --wait waits (default: ${DEFAULT-VALUE}).")
  Duration waitTimeout;

  @Override
  protected ExitCode execute() {
    ApiReply<AgentView> reply = client().send(Api.migrate(namespace.get(), name, new MigrateRequest(to)));
    if (wait) {
      String from = reply.value().worker();
      Waits.Outcome<AgentView> out = Waits.until(client(), Api.getAgent(namespace.get(), name), a -> {
        if ("failed".equals(a.state()) || "stopped".equals(a.state())) {
          return Waits.Verdict.FAILED;
        }
        boolean moved = a.worker() != null && !a.worker().equals(from);
        return moved && "running".equals(a.state()) ? Waits.Verdict.DONE : Waits.Verdict.WAIT;
      }, waitTimeout);
      reply = out.last();
      if (out.timedOut()) {
        note("timed out after " + waitTimeout.toSeconds() + "s waiting for " + name + " to run elsewhere (state "
            + reply.value().state() + ")");
        output().print(reply, agent -> AgentTable.render(List.of(agent), output().wide(), now()));
        return ExitCode.TIMEOUT;
      }
      if (out.verdict() == Waits.Verdict.FAILED) {
        note("migration of " + name + " ended " + reply.value().state());
        output().print(reply, agent -> AgentTable.render(List.of(agent), output().wide(), now()));
        return ExitCode.ERROR;
      }
    }
    output().print(reply, agent -> AgentTable.render(List.of(agent), output().wide(), now()));
    return ExitCode.OK;
  }
}
