package io.agentd.cli;

import io.agentd.cli.output.MetadataTable;
import io.agentd.client.Api;
import io.agentd.client.api.SetMetadataRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code agentctl meta set}: writes one key, optionally only at a given version. */
@Command(name = "set", description = "Set a metadata key of an agent.")
final class MetaSetCommand extends ApiCommand {

  @Parameters(index = "0", paramLabel = "NAME", description = "Agent name.")
  String name;

  @Parameters(index = "1", paramLabel = "KEY", description = "Metadata key.")
  String key;

  @Parameters(index = "2", paramLabel = "VALUE", description = "New value.")
  String value;

  @Mixin
  NamespaceOption namespace;

  @Option(names = "--if-version", paramLabel = "N",
      description = "Write only if the key's version is N; 0 means the key must not exist yet.")
  Long ifVersion;

  @Override
  protected ExitCode execute() {
    output().print(client().send(Api.setMetadata(namespace.get(), name, key, new SetMetadataRequest(value, ifVersion))),
        MetadataTable::render);
    return ExitCode.OK;
  }
}
