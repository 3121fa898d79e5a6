package io.agentd.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

/**
 * One run of agentctl as {@code main} runs it, with stdout and stderr
 * captured; shared in the test-jar for end-to-end tests against a real coordinator.
 *
 * @param exitCode the exit code {@code main} would have exited with
 * @param out what went to stdout
 * @param err what went to stderr
 */
public record AgentctlRun(int exitCode, String out, String err) {

  /** Runs {@code agentctl args} with the environment {@code env}. */
  public static AgentctlRun agentctl(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exitCode = Agentctl.newCommandLine(new PrintWriter(out), new PrintWriter(err), env, args).execute(args);
    return new AgentctlRun(exitCode, out.toString(), err.toString());
  }

  /** Runs {@code agentctl args} with an empty environment. */
  public static AgentctlRun agentctl(String... args) {
    return agentctl(Map.of(), args);
  }
}
