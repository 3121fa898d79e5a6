package io.agentd.cli;

import io.agentd.cli.output.OutputFormat;
import io.agentd.client.AgentdClient;
import io.agentd.client.ClientTls;
import io.agentd.client.Endpoints;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;

/**
 * Options every command accepts, before or after its name. Declared once on the root command
 * and inherited, so their values land here whichever command they were given to.
 */
final class GlobalOptions {

  private static final Duration MAX_TIMEOUT = Duration.ofHours(24);

  @Option(names = "--addr", scope = ScopeType.INHERIT, paramLabel = "ENDPOINTS",
      defaultValue = "http://127.0.0.1:7420",
      description = "Coordinator endpoints, comma-separated; host:port means http://host:port "
          + "(env " + EnvironmentDefaults.ADDR + "; default: ${DEFAULT-VALUE}).")
  String addr;

  @Option(names = "--token", scope = ScopeType.INHERIT, paramLabel = "TOKEN",
      description = "Bearer token (env " + EnvironmentDefaults.TOKEN + "). --token-file keeps it out of ps.")
  String token;

  @Option(names = "--token-file", scope = ScopeType.INHERIT, paramLabel = "FILE",
      description = "Read the bearer token from FILE (env " + EnvironmentDefaults.TOKEN_FILE + ").")
  Path tokenFile;

  @Option(names = "--cacert", scope = ScopeType.INHERIT, paramLabel = "FILE",
      description = "CA certificate(s) (PEM) to trust for https:// endpoints, instead of the system's (env "
          + EnvironmentDefaults.CACERT + ").")
  Path cacert;

  @Option(names = "--cert", scope = ScopeType.INHERIT, paramLabel = "FILE",
      description = "Client certificate (PEM) for servers that ask for one (mutual TLS); with --key (env "
          + EnvironmentDefaults.CERT + ").")
  Path cert;

  @Option(names = "--key", scope = ScopeType.INHERIT, paramLabel = "FILE",
      description = "Private key (PEM, unencrypted) of --cert (env " + EnvironmentDefaults.KEY + ").")
  Path key;

  @Option(names = {"-o", "--output"}, scope = ScopeType.INHERIT, paramLabel = "FORMAT", defaultValue = "table",
      converter = OutputFormat.Converter.class, description = "Output format: table, wide, json or yaml (default: ${DEFAULT-VALUE}).")
  OutputFormat output;

  @Option(names = "--timeout", scope = ScopeType.INHERIT, paramLabel = "DURATION", defaultValue = "10s",
      converter = DurationConverter.class,
      description = "How long to wait for the API, retries over endpoints included, e.g. 500ms, 3s, 1m "
          + "(default: ${DEFAULT-VALUE}).")
  Duration timeout;

  /** The parsed {@code --addr}; an invalid one is a usage error. */
  List<URI> endpoints(CommandLine command) {
    try {
      return Endpoints.parse(addr);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(command, "Invalid value for option '--addr': " + e.getMessage());
    }
  }

  /** Sets the TLS files given on {@code client}; a certificate without its key, or a file that cannot be read, is a usage error. */
  void tls(CommandLine command, AgentdClient.Builder client) {
    if ((cert == null) != (key == null)) {
      throw new ParameterException(command, "--cert and --key go together: give both or neither");
    }
    try {
      if (cacert != null || cert != null) {
        client.sslContext(ClientTls.sslContext(cacert, cert, key));
      }
    } catch (IllegalArgumentException e) {
      throw new ParameterException(command, "Invalid TLS file: " + e.getMessage());
    }
  }

  /** The positive {@code --timeout}. */
  Duration timeout(CommandLine command) {
    if (timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
      throw new ParameterException(command, "Invalid value for option '--timeout': must be more than 0 and at most 24h");
    }
    return timeout;
  }

  /**
   * The token from {@code --token}, else {@code --token-file}, else the environment ({@code
   * AGENTCTL_TOKEN}, else the file {@code AGENTCTL_TOKEN_FILE} names), else {@code null}.
   */
  String token(CommandLine command, Map<String, String> env) {
    if (token != null && tokenFile != null) {
      throw new ParameterException(command, "Give either --token or --token-file, not both");
    }
    if (token != null) {
      return token;
    }
    if (tokenFile != null) {
      return readTokenFile(command, tokenFile, "option '--token-file'");
    }
    String fromEnv = env.get(EnvironmentDefaults.TOKEN);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return fromEnv.strip();
    }
    String fileFromEnv = env.get(EnvironmentDefaults.TOKEN_FILE);
    if (fileFromEnv != null && !fileFromEnv.isBlank()) {
      return readTokenFile(command, Path.of(fileFromEnv.strip()), EnvironmentDefaults.TOKEN_FILE);
    }
    return null;
  }

  private static String readTokenFile(CommandLine command, Path file, String source) {
    String content;
    try {
      content = Files.readString(file).strip();
    } catch (IOException e) {
      throw new ParameterException(command, "Invalid value for " + source + ": cannot read " + file + ": "
          + e.getMessage());
    }
    if (content.isEmpty()) {
      throw new ParameterException(command, "Invalid value for " + source + ": " + file + " is empty");
    }
    return content;
  }
}
