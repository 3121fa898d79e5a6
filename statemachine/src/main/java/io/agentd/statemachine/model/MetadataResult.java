package io.agentd.statemachine.model;

/** The answer to a metadata write: the key, and its value and version after the write. */
public record MetadataResult(String key, String value, long version) {
}
