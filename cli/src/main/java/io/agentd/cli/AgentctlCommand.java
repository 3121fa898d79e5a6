package io.agentd.cli;

import java.time.Clock;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ScopeType;

/**
 * The root command. It runs nothing itself; it carries the global options and what every
 * subcommand shares: the environment and the clock. Its subcommands are added by
 * {@link Agentctl}, all of them or only the one a command line names.
 */
@Command(name = "agentctl",
    scope = ScopeType.INHERIT,
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Operate an agentd cluster through its HTTP/JSON API.")
final class AgentctlCommand {

  @Mixin
  GlobalOptions global;

  private final Map<String, String> env;
  private final Clock clock;

  AgentctlCommand(Map<String, String> env, Clock clock) {
    this.env = Map.copyOf(env);
    this.clock = clock;
  }

  Map<String, String> env() {
    return env;
  }

  Clock clock() {
    return clock;
  }
}
