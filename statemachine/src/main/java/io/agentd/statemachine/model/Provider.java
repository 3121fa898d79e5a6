package io.agentd.statemachine.model;

import java.util.Objects;

/** An LLM provider account whose limits the fleet shares (feature level 3). */
public record Provider(String name, ProviderLimits limits, long createRevision, long revision) {
    public Provider {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(limits, "limits");
    }
}
