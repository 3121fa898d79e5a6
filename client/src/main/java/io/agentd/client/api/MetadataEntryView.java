package io.agentd.client.api;

/**
 * One metadata entry inside the Agent object.
 *
 * @param value the value
 * @param version revision that last wrote it
 */
public record MetadataEntryView(String value, long version) {}
