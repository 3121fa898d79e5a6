package io.agentd.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code agentctl version}: this build's version and git commit, the line {@code --version}
 * prints. It asks no server: {@code cluster status} shows each member's.
 */
@Command(name = "version", description = "Print agentctl's version and the git commit it was built from.")
final class VersionCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    for (String line : new VersionProvider().getVersion()) {
      spec.commandLine().getOut().println(line);
    }
    spec.commandLine().getOut().flush();
    return ExitCode.OK.code();
  }
}
