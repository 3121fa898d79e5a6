package io.agentd.client.api;

/**
 * The Namespace object.
 *
 * @param name DNS label
 * @param quota limits; a {@code null} limit is unlimited
 * @param usage current use
 * @param createRevision revision that created it
 * @param revision revision that last changed it
 */
public record NamespaceView(
    String name, QuotaView quota, UsageView usage, long createRevision, long revision) {}
