package io.agentd.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.HelpCommand;

/** Builds the {@code agentctl} command line; {@link #main} and the tests both use it. */
public final class Agentctl {

  /**
   * The subcommands, in the order help lists them, by the names (and aliases) a command line
   * may start with. Picocli builds a command's model by reflection over its annotations, which
   * for every subcommand and option is most of a call's start-up (docs/benchmarks.md, "agentctl
   * start-up"); a command line that starts with one of these names gets a root with only that
   * subcommand.
   */
  static final Map<String, Class<?>> SUBCOMMANDS = subcommands();

  private Agentctl() {}

  private static Map<String, Class<?>> subcommands() {
    Map<String, Class<?>> m = new LinkedHashMap<>();
    m.put("spawn", SpawnCommand.class);
    m.put("get", GetCommand.class);
    m.put("list", ListCommand.class);
    m.put("ls", ListCommand.class);
    m.put("describe", DescribeCommand.class);
    m.put("stop", StopCommand.class);
    m.put("start", StartCommand.class);
    m.put("migrate", MigrateCommand.class);
    m.put("logs", LogsCommand.class);
    m.put("delete", DeleteCommand.class);
    m.put("meta", MetaCommand.class);
    m.put("namespace", NamespaceCommand.class);
    m.put("ns", NamespaceCommand.class);
    m.put("quota", QuotaCommand.class);
    m.put("provider", ProviderCommand.class);
    m.put("worker", WorkerCommand.class);
    m.put("cluster", ClusterCommand.class);
    m.put("token", TokenCommand.class);
    m.put("audit", AuditCommand.class);
    m.put("watch", WatchCommand.class);
    m.put("completion", CompletionCommand.class);
    m.put("version", VersionCommand.class);
    m.put("help", HelpCommand.class);
    return java.util.Collections.unmodifiableMap(m);
  }

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
    SUBCOMMANDS.values().stream().distinct().forEach(commandLine::addSubcommand);
    return configure(commandLine, out, err, env);
  }

  /**
   * The root's options that take a value, in every spelling: a command line may give them
   * before the subcommand's name ({@code agentctl --addr A get x}).
   */
  static final java.util.Set<String> GLOBAL_OPTIONS_WITH_VALUES = java.util.Set.of(
      "--addr", "--token", "--token-file", "--cacert", "--cert", "--key", "-o", "--output", "--timeout");

  /**
   * Where the subcommand's name is in {@code args}: after the global options with their values
   * ({@code --addr A}, {@code --addr=A}, {@code -oA}); -1 at anything else that starts with a dash.
   */
  static int commandIndex(String[] args) {
    int i = 0;
    while (i < args.length && args[i].startsWith("-")) {
      String arg = args[i];
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0 && GLOBAL_OPTIONS_WITH_VALUES.contains(arg.substring(0, eq))) {
        i += 1;
      } else if (GLOBAL_OPTIONS_WITH_VALUES.contains(arg)) {
        i += 2;
      } else if (arg.startsWith("-o") && !arg.startsWith("--")) {
        i += 1; // -ojson
      } else {
        return -1;
      }
    }
    return i < args.length ? i : -1;
  }

  /**
   * The command line for {@code args}: when they start with a subcommand's name (after global
   * options, if any), a root with only that subcommand (it parses and runs {@code args} as the
   * complete one would, in a fraction of the start-up time), and for {@code --version} alone the
   * root; otherwise the complete one (root help, completion, another option first, a mistyped
   * name).
   */
  public static CommandLine newCommandLine(PrintWriter out, PrintWriter err, Map<String, String> env,
                                           String[] args) {
    int at = commandIndex(args);
    Class<?> only = at < 0 ? null : SUBCOMMANDS.get(args[at]);
    boolean version = args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"));
    if (!version && (only == null || only == HelpCommand.class || only == CompletionCommand.class)) {
      return newCommandLine(out, err, env); // these print the whole tree
    }
    CommandLine commandLine = new CommandLine(new AgentctlCommand(env, Clock.systemUTC()));
    if (only != null) {
      commandLine.addSubcommand(only);
    }
    return configure(commandLine, out, err, env);
  }

  private static CommandLine configure(CommandLine commandLine, PrintWriter out, PrintWriter err,
                                       Map<String, String> env) {
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

  /** The environment variables agentctl reads, each with what it sets, in the order to document them. */
  public static Map<String, String> environmentVariables() {
    return EnvironmentDefaults.VARIABLES;
  }

  /** The exit codes, each with its meaning. */
  public static Map<Integer, String> exitCodes() {
    Map<Integer, String> m = new LinkedHashMap<>();
    for (ExitCode code : ExitCode.values()) {
      m.put(code.code(), code.meaning());
    }
    return m;
  }

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    int exitCode = newCommandLine(out, err, System.getenv(), args).execute(args);
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
