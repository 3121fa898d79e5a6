package io.agentd.daemon.api;

import io.agentd.client.api.CreateNamespaceRequest;
import io.agentd.client.api.QuotaView;
import io.agentd.daemon.coordinator.NamespaceService;
import io.agentd.statemachine.ClusterState;
import io.agentd.statemachine.Names;
import io.agentd.statemachine.model.Namespace;

/** {@code /v1/namespaces}: namespaces and their quotas. */
final class NamespaceRoutes {
    private final NamespaceService namespaces;
    private final Reads reads;
    private final Writes writes;

    NamespaceRoutes(NamespaceService namespaces, Reads reads, Writes writes) {
        this.namespaces = namespaces;
        this.reads = reads;
        this.writes = writes;
    }

    void register(Router r) {
        r.get("/v1/namespaces", Guard.reader(), q -> reads.read(q, s -> s.namespaces().stream()
                .filter(n -> q.principal().covers(n.name())).map(n -> Views.namespace(s, n)).toList()));
        r.post("/v1/namespaces", Guard.operatesCluster(), q -> writes.answer(namespaces.create(
                Json.read(q.body(), CreateNamespaceRequest.class), Writes.caller(q)), true));
        r.get("/v1/namespaces/{ns}", Guard.reads(q -> q.param("ns")), q -> reads.read(q, s -> Views.namespace(s, namespace(s, q.param("ns")))));
        r.put("/v1/namespaces/{ns}/quota", Guard.operatesCluster(), q -> writes.answer(namespaces.setQuota(q.param("ns"),
                Json.read(q.body(), QuotaView.class), Writes.caller(q)), false));
    }

    /** The namespace named; 400 for a malformed name, 404 when there is none. */
    static Namespace namespace(ClusterState s, String name) {
        Names.namespace(name);
        Namespace n = s.namespace(name);
        if (n == null) {
            throw ApiException.notFound("namespace " + name + " not found");
        }
        return n;
    }
}
