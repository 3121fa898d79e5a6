package io.agentd.client.api;

/**
 * The answer of reading or writing one metadata key of an agent.
 *
 * @param key the key
 * @param value its value
 * @param version revision that last wrote it, to pass as {@code ifVersion} for compare-and-set
 */
public record MetadataView(String key, String value, long version) {}
