package io.agentd.cli.output;

import io.agentd.client.api.MetadataView;

/** One metadata entry of an agent. */
public final class MetadataTable {

  private MetadataTable() {}

  public static String render(MetadataView metadata) {
    return new Table("KEY", "VALUE", "VERSION").row(metadata.key(), metadata.value(), metadata.version()).render();
  }
}
