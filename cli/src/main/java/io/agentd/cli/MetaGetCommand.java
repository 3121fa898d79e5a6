package io.agentd.cli;

import io.agentd.cli.output.MetadataTable;
import io.agentd.client.Api;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code agentctl meta get}: reads one key with its version. */
@Command(name = "get", description = "Show a metadata key of an agent and its version.")
final class MetaGetCommand extends ApiCommand {

  @Parameters(index = "0", paramLabel = "NAME", description = "Agent name.")
  String name;

  @Parameters(index = "1", paramLabel = "KEY", description = "Metadata key.")
  String key;

  @Mixin
  NamespaceOption namespace;

  @Override
  protected ExitCode execute() {
    output().print(client().send(Api.getMetadata(namespace.get(), name, key)), MetadataTable::render);
    return ExitCode.OK;
  }
}
