package io.agentd.statemachine.model;

import java.util.Objects;

public record Namespace(String name, Quota quota, long createRevision, long revision) {
    public static final String DEFAULT = "default";

    public Namespace {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(quota, "quota");
    }

    public Namespace withQuota(Quota q, long rev) {
        return new Namespace(name, q, createRevision, rev);
    }
}
