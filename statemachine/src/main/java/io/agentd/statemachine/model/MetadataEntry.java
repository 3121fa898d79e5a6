package io.agentd.statemachine.model;

/** One metadata value; {@code version} is the revision that last wrote it. */
public record MetadataEntry(String value, long version) {
}
