package io.agentd.cli;

import io.agentd.client.AgentdException;
import io.agentd.client.Api;
import io.agentd.client.ApiReply;
import io.agentd.client.api.LogsView;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code agentctl logs}: the agent's output, fetched from its worker through the coordinators. */
@Command(name = "logs", description = {
    "Print the last lines of an agent's output (stdout and stderr), from the worker it runs on",
    "(or last ran on). With --follow, keep printing new lines until interrupted (or --for passes);",
    "with -o json, --follow prints one {\"worker\", \"line\"} object per line."})
final class LogsCommand extends ApiCommand {

  /** How often --follow asks for new lines. */
  static final Duration FOLLOW_INTERVAL = Duration.ofMillis(500);

  @Parameters(paramLabel = "NAME", description = "Agent name.")
  String name;

  @Mixin
  NamespaceOption namespace;

  @Option(names = "--tail", paramLabel = "N", defaultValue = "100", description = "Lines (default: ${DEFAULT-VALUE}).")
  int tail;

  @Option(names = {"-f", "--follow"}, description = "Keep printing lines as the agent writes them.")
  boolean follow;

  @Option(names = "--for", paramLabel = "D", converter = DurationConverter.class,
      description = "With --follow: stop after this long (default: until interrupted).")
  Duration followFor;

  @Override
  protected ExitCode execute() throws InterruptedException {
    if (tail < 1) {
      throw usageError("--tail must be at least 1");
    }
    if (followFor != null && !follow) {
      throw usageError("--for needs --follow");
    }
    if (!follow) {
      ApiReply<LogsView> reply = client().send(Api.logs(namespace.get(), name, tail));
      output().print(reply, logs -> String.join("\n", logs.lines()) + (logs.lines().isEmpty() ? "" : "\n"));
      return ExitCode.OK;
    }
    long end = followFor == null ? Long.MAX_VALUE : System.nanoTime() + followFor.toNanos();
    String cursor = null;
    String worker = null;
    while (System.nanoTime() - end < 0) {
      LogsView logs;
      try {
        logs = client().send(cursor == null ? Api.logs(namespace.get(), name, tail)
            : Api.logsAfter(namespace.get(), name, cursor, tail)).value();
      } catch (AgentdException e) {
        if (!"NOT_FOUND".equals(e.code()) && !"UNAVAILABLE".equals(e.code()) && !"TIMEOUT".equals(e.code())) {
          throw e;
        }
        client().send(Api.getAgent(namespace.get(), name)); // gone altogether: that ends the follow
        sleep(end);
        continue;
      }
      if (worker != null && !worker.equals(logs.worker())) {
        note("the agent now runs on worker " + logs.worker() + " (was " + worker + ")");
      } else if (logs.skipped()) {
        note("some lines were rotated away before they could be printed");
      }
      worker = logs.worker();
      cursor = logs.cursor();
      for (String line : logs.lines()) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("worker", logs.worker());
        item.put("line", line);
        output().streamItem(JSON.valueToTree(item), line);
      }
      sleep(end);
    }
    return ExitCode.OK;
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

  private static void sleep(long endNanos) throws InterruptedException {
    long left = Math.min(FOLLOW_INTERVAL.toNanos(), endNanos - System.nanoTime());
    if (left > 0) {
      Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
    }
  }
}
