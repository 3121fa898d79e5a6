package io.agentd.cli;

import io.agentd.cli.output.Output;
import io.agentd.client.AgentdClient;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * A command that talks to the API. Subclasses implement {@link #execute()} and throw on
 * failure; the handlers of {@link Agentctl} print the failure and choose the exit code.
 */
abstract class ApiCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  private AgentdClient client;

  @Override
  public final Integer call() throws Exception {
    try {
      return execute().code();
    } finally {
      out().flush();
      err().flush();
    }
  }

  /** Runs the command; returns the exit code of a success (or of a handled refusal). */
  protected abstract ExitCode execute() throws Exception;

  /** A client for the endpoints, token and timeout of the global options; made once. */
  protected AgentdClient client() {
    if (client == null) {
      GlobalOptions global = root().global;
      Duration timeout = global.timeout(spec.commandLine());
      // HttpURLConnection: the JDK HTTP client's first call is a large share of a short CLI run
      // (docs/benchmarks.md, "Measurements behind choices in the code").
      AgentdClient.Builder b = AgentdClient.builder()
          .transport(AgentdClient.Transport.URL_CONNECTION)
          .endpoints(global.endpoints(spec.commandLine()))
          .token(global.token(spec.commandLine(), root().env()))
          .requestTimeout(timeout)
          .deadline(timeout);
      global.tls(spec.commandLine(), b);
      client = b.build();
    }
    return client;
  }

  protected Output output() {
    return new Output(out(), root().global.output);
  }

  protected Instant now() {
    return root().clock().instant();
  }

  protected PrintWriter out() {
    return spec.commandLine().getOut();
  }

  protected PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /** A note for the operator on stderr, never mixed into the results on stdout. */
  protected void note(String message) {
    err().println(ErrorReporter.PREFIX + message);
  }

  /**
   * Whether a destructive command may go on: at once with {@code --yes}, else when the operator
   * answers y on the terminal; refused (exit 2) when there is no terminal to ask.
   *
   * @param what what would be destroyed, e.g. {@code agent default/a}
   */
  protected boolean confirmed(boolean yes, String verb, String what) {
    if (yes) {
      return true;
    }
    java.io.Console console = System.console();
    if (console == null) {
      throw usageError("refusing to " + verb + " " + what + " without --yes: stdin is not a terminal");
    }
    String answer = console.readLine("%s %s? [y/N] ", Character.toUpperCase(verb.charAt(0)) + verb.substring(1), what);
    if (answer == null || !answer.strip().equalsIgnoreCase("y") && !answer.strip().equalsIgnoreCase("yes")) {
      note(what + " not " + verb + "d");
      return false;
    }
    return true;
  }

  /** Invalid input found after parsing: exit 2 with the message. */
  protected ParameterException usageError(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  private AgentctlCommand root() {
    return (AgentctlCommand) spec.root().userObject();
  }
}
