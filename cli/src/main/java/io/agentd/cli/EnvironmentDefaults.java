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

  /** Every variable agentctl reads, with what it sets: for agentctl(1). */
  static final Map<String, String> VARIABLES = orderedVariables();

  private static Map<String, String> orderedVariables() {
    Map<String, String> m = new java.util.LinkedHashMap<>();
    m.put(ADDR, "the coordinator endpoints when --addr is not given");
    m.put(TOKEN, "the bearer token when neither --token nor --token-file is given");
    m.put(TOKEN_FILE, "a file holding the bearer token, when neither --token nor --token-file is given");
    m.put(NAMESPACE, "the namespace when -n/--namespace is not given");
    m.put(CACERT, "the CA certificates to trust when --cacert is not given");
    m.put(CERT, "the client certificate when --cert is not given");
    m.put(KEY, "the client certificate's key when --key is not given");
    return java.util.Collections.unmodifiableMap(m);
  }

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
