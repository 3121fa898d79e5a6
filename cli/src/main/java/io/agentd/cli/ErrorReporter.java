package io.agentd.cli;

import io.agentd.client.AgentdException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Prints every failure as one {@code agentctl: …} line on stderr (stdout stays clean for
 * scripts) and returns its exit code from {@link ExitCodeMapper}.
 */
final class ErrorReporter implements IExecutionExceptionHandler, IParameterExceptionHandler {

  static final String PREFIX = "agentctl: ";

  @Override
  public int handleParseException(ParameterException failure, String[] args) {
    CommandLine command = failure.getCommandLine();
    PrintWriter err = command.getErr();
    err.println(PREFIX + failure.getMessage());
    UnmatchedArgumentException.printSuggestions(failure, err);
    err.println("Try '" + command.getCommandSpec().qualifiedName() + " --help' for more information.");
    err.flush();
    return ExitCode.USAGE.code();
  }

  @Override
  public int handleExecutionException(Exception failure, CommandLine command, ParseResult parseResult) {
    PrintWriter err = command.getErr();
    if (failure instanceof AgentdException api) {
      err.println(PREFIX + api.code() + ": " + api.getMessage());
      String hint = overloadHint(api);
      if (hint != null) {
        err.println(PREFIX + hint);
      }
      if (AgentdException.TLS_FAILED.equals(api.code())) {
        err.println(PREFIX + "--cacert FILE (or " + EnvironmentDefaults.CACERT + ") names the CA to trust;"
            + " --cert and --key a client certificate for servers that ask for one");
      }
    } else if (failure instanceof InterruptedException) {
      err.println(PREFIX + "interrupted");
    } else if (failure instanceof RuntimeException) {
      err.println(PREFIX + "internal error: " + failure);
    } else {
      err.println(PREFIX + failure.getMessage());
    }
    err.flush();
    return ExitCodeMapper.exitCodeOf(failure).code();
  }

  /**
   * The second line of a 429 or 507, in a form scripts may rely on: {@code too many requests at
   * HOST:PORT; retry after Ns} and {@code insufficient storage at HOST:PORT[; retry after Ns]}.
   */
  static String overloadHint(AgentdException api) {
    String what = switch (api.code()) {
      case AgentdException.TOO_MANY_REQUESTS -> "too many requests";
      case AgentdException.INSUFFICIENT_STORAGE -> "insufficient storage";
      default -> null;
    };
    if (what == null) {
      return null;
    }
    String at = api.endpoint().map(e -> " at " + e.getAuthority()).orElse("");
    String retry = api.retryAfter().map(d -> "; retry after " + Math.max(1, d.toSeconds()) + "s").orElse("");
    return what + at + retry;
  }
}
