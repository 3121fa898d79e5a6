package io.agentd.daemon.api;

import io.agentd.client.api.DrainRequest;
import io.agentd.client.api.HeartbeatView;
import io.agentd.client.api.RegisterWorkerRequest;
import io.agentd.daemon.coordinator.WorkerService;
import io.agentd.statemachine.ClusterState;
import io.agentd.statemachine.Names;
import io.agentd.statemachine.model.Worker;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** {@code /v1/workers}: registration, lease renewals, drains. */
final class WorkerRoutes {
    private final WorkerService workers;
    private final Reads reads;
    private final Writes writes;

    WorkerRoutes(WorkerService workers, Reads reads, Writes writes) {
        this.workers = workers;
        this.reads = reads;
        this.writes = writes;
    }

    void register(Router r) {
        Guard worker = Guard.actsFor(q -> q.param("id"));
        r.get("/v1/workers", Guard.reader(), q -> reads.read(q, s -> s.workers().stream().map(w -> Views.worker(s, w)).toList()));
        // The body names the worker: the state machine refuses a worker's token registering another.
        r.post("/v1/workers", Guard.workerRole(), q -> writes.answer(workers.register(
                Json.read(q.body(), RegisterWorkerRequest.class), Writes.caller(q)), true));
        r.get("/v1/workers/{id}", Guard.reader().or(worker), q -> reads.read(q, s -> Views.worker(s, worker(s, q.param("id")))));
        r.post("/v1/workers/{id}/heartbeat", worker, q -> {
            java.util.List<io.agentd.client.api.ProviderDemand> report = q.body() != null && q.body().length > 0
                    ? Json.read(q.body(), io.agentd.client.api.HeartbeatRequest.class).providers()
                    : java.util.List.of();
            return workers.renew(q.param("id"), report).thenApply(WorkerRoutes::view).thenApply(ApiResponse::ok);
        });
        r.post("/v1/workers/{id}/drain", Guard.operatesCluster().or(worker), q -> {
            int parallel = q.body() != null && q.body().length > 0
                    ? Json.read(q.body(), DrainRequest.class).maxParallel() : 1;
            return writes.answer(workers.drain(q.param("id"), parallel, Writes.caller(q)), false);
        });
        r.post("/v1/workers/{id}/undrain", Guard.operatesCluster().or(worker), q -> writes.answer(workers.undrain(q.param("id"), Writes.caller(q)), false));
    }

    /**
     * A lease renewal, the whole of it but the HTTP: used by the route above and by {@link
     * HeartbeatFastPath}. Fails with the API's errors: 503 on a follower, 404, 409.
     */
    CompletableFuture<HeartbeatView> renew(String id) {
        return workers.renew(id).thenApply(WorkerRoutes::view);
    }

    private static HeartbeatView view(io.agentd.daemon.coordinator.WorkerService.Renewed r) {
        return new HeartbeatView(r.workerId(), r.state().word(), r.ttlMillis(), r.revision(), r.grants());
    }

    private static Worker worker(ClusterState s, String id) {
        Names.workerId("id", id);
        Worker w = s.worker(id);
        if (w == null) {
            throw ApiException.notFound("worker " + id + " not found");
        }
        return w;
    }
}
