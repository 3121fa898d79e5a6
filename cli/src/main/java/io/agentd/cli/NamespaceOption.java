package io.agentd.cli;

import picocli.CommandLine.Option;

/** The {@code -n/--namespace} option of every command that names an agent. */
final class NamespaceOption {

  @Option(names = {"-n", "--namespace"}, paramLabel = "NAMESPACE", defaultValue = "default",
      description = "Namespace of the agent (env " + EnvironmentDefaults.NAMESPACE + "; default: ${DEFAULT-VALUE}).")
  String namespace;

  String get() {
    return namespace;
  }
}
