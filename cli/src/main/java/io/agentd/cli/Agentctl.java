package io.agentd.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.Map;
import picocli.CommandLine;

/** Builds the {@code agentctl} command line; {@link #main} and the tests both use it. */
public final class Agentctl {

  private Agentctl() {}

  /**
   * The complete command line: every subcommand, the given writers, defaults from
   * {@code env} (never from {@code System.getenv()} directly), and the error handlers that
   * print {@code agentctl: …} on {@code err} and map each failure to its {@link ExitCode}.
   *
   * @param out where results go
   * @param err where errors and progress go
   * @param env the environment, for {@code AGENTCTL_ADDR}, {@code AGENTCTL_TOKEN},
   *     {@code AGENTCTL_NAMESPACE}, {@code AGENTCTL_CACERT}, {@code AGENTCTL_CERT}, {@code AGENTCTL_KEY}
   */
  public static CommandLine newCommandLine(PrintWriter out, PrintWriter err, Map<String, String> env) {
    CommandLine commandLine = new CommandLine(new AgentctlCommand(env, Clock.systemUTC()));
    ErrorReporter reporter = new ErrorReporter();
    commandLine
        .setOut(out)
        .setErr(err)
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setDefaultValueProvider(new EnvironmentDefaults(env))
        .setExitCodeExceptionMapper(new ExitCodeMapper())
        .setExecutionExceptionHandler(reporter)
        .setParameterExceptionHandler(reporter);
    listExitCodes(commandLine);
    return commandLine;
  }

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    int exitCode = newCommandLine(out, err, System.getenv()).execute(args);
    out.flush();
    err.flush();
    System.exit(exitCode);
  }

  private static void listExitCodes(CommandLine commandLine) {
    commandLine.getCommandSpec().usageMessage()
        .exitCodeListHeading("%nExit codes:%n")
        .exitCodeList(ExitCode.helpList());
    commandLine.getSubcommands().values().forEach(Agentctl::listExitCodes);
  }
}
