package io.agentd.client.api;

/**
 * What became of one agent of a batch spawn.
 *
 * @param name the agent's name, as sent
 * @param result {@code created}, {@code unchanged} (it exists with this same spec) or
 *     {@code rejected}
 * @param id the agent's id; {@code null} when rejected
 * @param revision the revision that created it (or the agent's creation revision when
 *     unchanged); {@code null} when rejected
 * @param error why it was rejected ({@code ALREADY_EXISTS}, {@code QUOTA_EXCEEDED}, ...);
 *     {@code null} otherwise
 */
public record SpawnBatchItemView(String name, String result, Long id, Long revision, ErrorDetail error) {}
