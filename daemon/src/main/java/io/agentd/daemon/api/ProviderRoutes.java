package io.agentd.daemon.api;

import io.agentd.client.api.SetProviderRequest;
import io.agentd.daemon.coordinator.ProviderService;
import io.agentd.statemachine.ClusterState;
import io.agentd.statemachine.Names;
import io.agentd.statemachine.model.Provider;

/** {@code /v1/providers}: the LLM provider accounts whose limits the fleet shares. */
final class ProviderRoutes {
    private final ProviderService providers;
    private final Reads reads;
    private final Writes writes;

    ProviderRoutes(ProviderService providers, Reads reads, Writes writes) {
        this.providers = providers;
        this.reads = reads;
        this.writes = writes;
    }

    void register(Router r) {
        // Workers read them too: which exist, and the members of each group.
        r.get("/v1/providers", Guard.reader().or(Guard.workerRole()), q -> reads.read(q, s -> s.providers().stream()
                .map(Views::provider).toList()));
        r.get("/v1/providers/{name}", Guard.reader(), q -> reads.read(q, s -> Views.provider(provider(s,
                q.param("name")))));
        r.get("/v1/providers/{name}/grants", Guard.reader(), q -> java.util.concurrent.CompletableFuture.completedFuture(
                ApiResponse.ok(providers.shares(q.param("name")))));
        r.put("/v1/providers/{name}", Guard.operatesCluster(), q -> writes.answer(providers.set(q.param("name"),
                Json.read(q.body(), SetProviderRequest.class), Writes.caller(q)), true));
        r.delete("/v1/providers/{name}", Guard.operatesCluster(), q -> writes.answer(providers.delete(q.param("name"),
                Writes.caller(q)), false));
    }

    /** The provider named; 400 for a malformed name, 404 when there is none. */
    static Provider provider(ClusterState s, String name) {
        Names.providerName(name);
        Provider p = s.provider(name);
        if (p == null) {
            throw ApiException.notFound("provider " + name + " not found");
        }
        return p;
    }
}
