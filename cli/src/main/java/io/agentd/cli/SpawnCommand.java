package io.agentd.cli;

import io.agentd.cli.output.AgentTable;
import io.agentd.client.Api;
import io.agentd.client.ApiReply;
import io.agentd.client.api.AgentSpecView;
import io.agentd.client.api.AgentView;
import io.agentd.client.api.SpawnRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code agentctl spawn}: creates an agent; spawning the same agent again is a no-op. With
 * {@code --from-file}, creates many agents through the batch endpoint, up to 1,000 per request.
 */
@Command(name = "spawn", description = {"Create an agent and let the cluster place it on a worker.",
    "With --from-file FILE (- for stdin), create every agent in FILE: JSON lines or a JSON array of "
        + "{\"name\": ..., \"spec\": {...}} objects as POST /v1/namespaces/NS/agents takes them, sent "
        + "in batches of --batch-size. Exits 0 when no agent was rejected; otherwise with the code of "
        + "the rejections (4 name taken, 5 quota) when they all share one, else 1."})
final class SpawnCommand extends ApiCommand {

  static final List<String> RESTART_POLICIES = List.of("always", "on-failure", "never");

  /** Completion candidates of {@code --restart}. */
  static final class RestartPolicies extends ArrayList<String> {
    private static final long serialVersionUID = 1L;

    RestartPolicies() {
      super(RESTART_POLICIES);
    }
  }

  @Parameters(paramLabel = "NAME", arity = "0..1", description = "Agent name: a DNS label (not with --from-file).")
  String name;

  @Option(names = {"-f", "--from-file"}, paramLabel = "FILE",
      description = "Spawn every agent in FILE (JSON lines or a JSON array; - reads stdin).")
  String fromFile;

  @Option(names = "--batch-size", paramLabel = "N", defaultValue = "1000",
      description = "Agents per request with --from-file, 1-1000 (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Mixin
  NamespaceOption namespace;

  @Option(names = "--cmd", paramLabel = "CMD", description = "Executable to run (required without --from-file).")
  String command;

  @Option(names = "--arg", paramLabel = "ARG", description = "An argument; repeat for more.")
  List<String> args = new ArrayList<>();

  @Option(names = "--env", paramLabel = "K=V", description = "An environment variable; repeatable.")
  Map<String, String> env = new LinkedHashMap<>();

  @Option(names = "--label", paramLabel = "k=v", description = "A label; repeatable.")
  Map<String, String> labels = new LinkedHashMap<>();

  @Option(names = "--constraint", paramLabel = "k=v",
      description = "A worker label the agent requires; repeatable.")
  Map<String, String> constraints = new LinkedHashMap<>();

  @Option(names = "--slots", paramLabel = "N", description = "Worker capacity it takes (server default: 1).")
  Integer slots;

  @Option(names = "--workdir", paramLabel = "DIR", description = "Working directory on the worker.")
  String workingDir;

  @Option(names = "--restart", paramLabel = "POLICY", completionCandidates = RestartPolicies.class,
      description = "Restart policy: ${COMPLETION-CANDIDATES} (server default: on-failure).")
  String restart;

  @Option(names = "--wait", description = "Return when the agent runs, or fail with the reason.")
  boolean wait;

  @Option(names = "--wait-timeout", paramLabel = "D", defaultValue = "2m", converter = DurationConverter.class,
      description = "How long --wait waits (default: ${DEFAULT-VALUE}).")
  java.time.Duration waitTimeout;

  @Override
  protected ExitCode execute() throws java.io.IOException {
    if (fromFile != null) {
      if (name != null || command != null || !args.isEmpty() || !env.isEmpty() || !labels.isEmpty()
          || !constraints.isEmpty() || slots != null || workingDir != null || restart != null || wait) {
        throw usageError("--from-file takes the agents from the file: give no NAME, --cmd, spec options or --wait");
      }
      if (batchSize < 1 || batchSize > io.agentd.client.Api.MAX_SPAWN_BATCH) {
        throw usageError("--batch-size must be between 1 and " + io.agentd.client.Api.MAX_SPAWN_BATCH
            + ", got " + batchSize);
      }
      return new BatchSpawn(this, namespace.get(), batchSize).run(fromFile);
    }
    if (name == null) {
      throw usageError("Missing required parameter: 'NAME' (or give --from-file FILE)");
    }
    if (command == null) {
      throw usageError("Missing required option: '--cmd=CMD'");
    }
    if (restart != null && !RESTART_POLICIES.contains(restart)) {
      throw usageError("Invalid value for option '--restart': expected one of " + RESTART_POLICIES
          + " but was '" + restart + "'");
    }
    AgentSpecView spec = new AgentSpecView(command, args, env, workingDir, slots, labels, constraints, restart);
    ApiReply<AgentView> reply = client().send(Api.spawn(namespace.get(), new SpawnRequest(name, spec)));
    if (reply.status() == 200) {
      note("agent " + namespace.get() + "/" + name + " already exists with this spec");
    }
    if (wait) {
      Waits.Outcome<AgentView> out = Waits.until(client(), Api.getAgent(namespace.get(), name),
          a -> switch (a.state()) {
            case "running" -> Waits.Verdict.DONE;
            case "failed", "stopped" -> Waits.Verdict.FAILED;
            default -> Waits.Verdict.WAIT;
          }, waitTimeout);
      reply = out.last();
      AgentView a = reply.value();
      if (out.timedOut() || out.verdict() == Waits.Verdict.FAILED) {
        String why = "pending".equals(a.state()) && a.pendingReason() != null ? a.pendingReason()
            : a.exitCode() != null ? "exit code " + a.exitCode() : "state " + a.state();
        note("agent " + namespace.get() + "/" + name + (out.timedOut()
            ? " is not running after " + waitTimeout.toSeconds() + "s: " : " did not start: ") + why);
        output().print(reply, agent -> AgentTable.render(List.of(agent), output().wide(), now()));
        return out.timedOut() ? ExitCode.TIMEOUT : ExitCode.ERROR;
      }
    }
    output().print(reply, agent -> AgentTable.render(List.of(agent), output().wide(), now()));
    return ExitCode.OK;
  }
}
