package io.agentd.cli;

import java.util.Map;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Takes option defaults from the environment, so that a flag beats the environment, which
 * beats the built-in default. The environment is a map, not {@code System.getenv()}, so tests
 * can set it.
 */
final class EnvironmentDefaults implements IDefaultValueProvider {

  static final String ADDR = "AGENTCTL_ADDR";
  static final String TOKEN = "AGENTCTL_TOKEN";
  static final String TOKEN_FILE = "AGENTCTL_TOKEN_FILE";
  static final String NAMESPACE = "AGENTCTL_NAMESPACE";
  static final String CACERT = "AGENTCTL_CACERT";
  static final String CERT = "AGENTCTL_CERT";
  static final String KEY = "AGENTCTL_KEY";

  private static final Map<String, String> VARIABLE_BY_OPTION = Map.of(
      "--addr", ADDR,
      "--namespace", NAMESPACE,
      "--cacert", CACERT,
      "--cert", CERT,
      "--key", KEY);

  private final Map<String, String> env;

  EnvironmentDefaults(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  @Override
  public String defaultValue(ArgSpec argument) {
    if (!(argument instanceof OptionSpec option)) {
      return null;
    }
    String variable = VARIABLE_BY_OPTION.get(option.longestName());
    String value = variable == null ? null : env.get(variable);
    return value == null || value.isBlank() ? null : value;
  }
}
