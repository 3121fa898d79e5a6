package io.agentd.statemachine.model;

public enum EventType implements WireEnum {
    NAMESPACE_CREATED(1, "NamespaceCreated"),
    QUOTA_SET(2, "QuotaSet"),
    AGENT_SPAWNED(3, "AgentSpawned"),
    AGENT_ASSIGNED(4, "AgentAssigned"),
    AGENT_STATE_CHANGED(5, "AgentStateChanged"),
    AGENT_STOPPED(6, "AgentStopped"),
    AGENT_DELETED(7, "AgentDeleted"),
    METADATA_SET(8, "MetadataSet"),
    WORKER_REGISTERED(9, "WorkerRegistered"),
    WORKER_EXPIRED(10, "WorkerExpired"),
    CHECKPOINT_SAVED(11, "CheckpointSaved"),
    WORKER_DRAINING(12, "WorkerDraining"),
    /** Feature level 3. */
    PROVIDER_SET(13, "ProviderSet"),
    PROVIDER_DELETED(14, "ProviderDeleted");

    private final int wire;
    private final String word;

    EventType(int wire, String word) {
        this.wire = wire;
        this.word = word;
    }

    @Override
    public int wire() {
        return wire;
    }

    @Override
    public String word() {
        return word;
    }
}
