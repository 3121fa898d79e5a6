package io.agentd.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code agentctl completion}: prints a shell completion script generated from the command
 * model. Picocli's script serves zsh too, through {@code bashcompinit}.
 */
@Command(name = "completion", description = "Print a completion script, e.g. source <(agentctl completion bash).")
final class CompletionCommand implements Callable<Integer> {

  enum Shell { BASH, ZSH }

  @Spec
  CommandSpec spec;

  @Parameters(paramLabel = "SHELL", description = "bash or zsh.")
  Shell shell;

  @Override
  public Integer call() {
    spec.commandLine().getOut().print(AutoComplete.bash("agentctl", spec.root().commandLine()));
    spec.commandLine().getOut().flush();
    return ExitCode.OK.code();
  }
}
