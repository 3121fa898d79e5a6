package io.agentd.statemachine.store;

/**
 * Every durable table of a replica, declared in one place. Storage maps each to a
 * RocksDB column family named {@link #cfName()}; the names are part of the on-disk
 * format and never change.
 */
public enum Table {
    /** Applied index, revision, log time, schema version. */
    META("meta"),
    /** Namespaces, agents, workers: one key per entity. */
    ENTITIES("entities"),
    /** The change feed behind /v1/events, keyed by revision, bounded retention. */
    EVENTS("events"),
    /** Who did what, keyed by revision, bounded retention. */
    AUDIT("audit"),
    /** Client request id to reply, for exactly-once writes, expired by log time. */
    DEDUP("dedup");

    /** Version of the layout of all tables; storage refuses a data dir written with another. */
    public static final int SCHEMA_VERSION = 1;

    private final String cfName;

    Table(String cfName) {
        this.cfName = cfName;
    }

    public String cfName() {
        return cfName;
    }
}
