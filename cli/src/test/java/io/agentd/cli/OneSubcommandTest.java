package io.agentd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line built for one subcommand is that subcommand of the complete one. */
class OneSubcommandTest {

  private static CommandLine complete() {
    return Agentctl.newCommandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), Map.of());
  }

  private static CommandLine forArgs(String... args) {
    return Agentctl.newCommandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), Map.of(),
        args);
  }

  /** Every command's usage text, by its path (e.g. "cluster snapshot save"), depth first. */
  private static List<String> usages(CommandLine command, String path, List<String> into) {
    into.add(path + "\n" + command.getUsageMessage(CommandLine.Help.Ansi.OFF));
    command.getSubcommands().forEach((name, sub) -> {
      if (name.equals(sub.getCommandName())) { // once per command, not per alias
        usages(sub, path + " " + name, into);
      }
    });
    return into;
  }

  @Test
  void theTableNamesEveryTopLevelCommandByItsNameAndAliases() {
    Map<String, CommandLine> complete = complete().getSubcommands();
    assertThat(Agentctl.SUBCOMMANDS.keySet()).containsExactlyInAnyOrderElementsOf(complete.keySet());
    Agentctl.SUBCOMMANDS.forEach((name, type) ->
        assertThat(complete.get(name).getCommandSpec().userObject()).as(name).isInstanceOf(type));
  }

  @Test
  void eachSubcommandAloneHasTheSameOptionsHelpAndNestedCommandsAsInTheCompleteLine() {
    CommandLine complete = complete();
    for (String name : Agentctl.SUBCOMMANDS.keySet()) {
      CommandLine alone = forArgs(name, "--help");
      CommandLine sub = alone.getSubcommands().get(name);
      assertThat(sub).as(name).isNotNull();
      if (!name.equals("help") && !name.equals("completion")) {
        assertThat(alone.getSubcommands()).as("only %s", name).hasSize(sub.getCommandSpec().aliases().length + 1);
      }
      assertThat(usages(sub, name, new ArrayList<>()))
          .as(name)
          .isEqualTo(usages(complete.getSubcommands().get(name), name, new ArrayList<>()));
    }
  }

  @Test
  void theGlobalOptionsThatTakeAValueAreTheRootsOptionsThatDo() {
    List<String> names = new ArrayList<>();
    complete().getCommandSpec().options().stream()
        .filter(o -> o.arity().max() > 0)
        .forEach(o -> names.addAll(List.of(o.names())));
    assertThat(Agentctl.GLOBAL_OPTIONS_WITH_VALUES).containsExactlyInAnyOrderElementsOf(names);
  }

  @Test
  void theSubcommandIsFoundAfterGlobalOptionsInEverySpelling() {
    assertThat(Agentctl.commandIndex(new String[] {"get", "x"})).isZero();
    assertThat(Agentctl.commandIndex(new String[] {"--addr", "a:1", "--token-file=f", "-ojson", "-o", "yaml", "get"}))
        .isEqualTo(6);
    assertThat(forArgs("--addr", "127.0.0.1:1", "--timeout=1s", "get", "x").getSubcommands()).containsOnlyKeys("get");
    assertThat(Agentctl.commandIndex(new String[] {"--addr"})).isEqualTo(-1);
    assertThat(Agentctl.commandIndex(new String[] {"--addr", "a"})).isEqualTo(-1);
    assertThat(Agentctl.commandIndex(new String[] {"--verbose", "get"})).isEqualTo(-1);
    assertThat(Agentctl.commandIndex(new String[] {"--help", "get"})).isEqualTo(-1);
  }

  @Test
  void globalOptionsBeforeTheCommandRunItAsTheCompleteLineDoes() {
    AgentctlRun run = AgentctlRun.agentctl("--addr", "127.0.0.1:1", "--timeout", "300ms", "get", "x");
    AgentctlRun complete = runComplete("--addr", "127.0.0.1:1", "--timeout", "300ms", "get", "x");
    assertThat(run.exitCode()).isEqualTo(complete.exitCode()).isEqualTo(ExitCode.UNAVAILABLE.code());
    AgentctlRun bad = AgentctlRun.agentctl("--timeout", "soon", "get", "x");
    assertThat(bad.exitCode()).isEqualTo(ExitCode.USAGE.code());
    assertThat(bad.err()).isEqualTo(runComplete("--timeout", "soon", "get", "x").err());
  }

  private static AgentctlRun runComplete(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Agentctl.newCommandLine(new PrintWriter(out), new PrintWriter(err), Map.of()).execute(args);
    return new AgentctlRun(code, out.toString(), err.toString());
  }

  @Test
  void otherOptionsFirstAndRootHelpGetTheCompleteLine() {
    int all = complete().getSubcommands().size();
    assertThat(forArgs("--verbose", "get", "x").getSubcommands()).hasSize(all);
    assertThat(forArgs().getSubcommands()).hasSize(all);
    assertThat(forArgs("--help").getSubcommands()).hasSize(all);
    assertThat(forArgs("gte", "x").getSubcommands()).hasSize(all); // a mistyped name gets suggestions
    assertThat(forArgs("--version").getSubcommands()).isEmpty();
  }

  @Test
  void versionAloneAndAMistypedNameAnswerAsTheCompleteLineDoes() {
    AgentctlRun version = AgentctlRun.agentctl("--version");
    assertThat(version.exitCode()).isZero();
    assertThat(version.out()).startsWith("agentctl ");
    AgentctlRun typo = AgentctlRun.agentctl("spwan", "x");
    assertThat(typo.exitCode()).isEqualTo(ExitCode.USAGE.code());
    assertThat(typo.err()).contains("Unmatched arguments", "Did you mean: agentctl ");
  }
}
