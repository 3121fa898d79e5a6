package io.agentd.daemon.coordinator;

import io.agentd.client.api.RegisterWorkerRequest;
import io.agentd.statemachine.ErrorCode;
import io.agentd.statemachine.Names;
import io.agentd.statemachine.Rejection;
import io.agentd.statemachine.command.Command;
import io.agentd.statemachine.command.Reply;
import io.agentd.statemachine.model.Worker;
import io.agentd.statemachine.model.WorkerState;

import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/** Workers: registration, lease renewals (leader soft state, never logged), drains. */
public final class WorkerService {
    /** A granted renewal: the worker as the leader's state has it and the lease it now holds. */
    public record Renewed(String workerId, WorkerState state, long ttlMillis, long revision,
                          java.util.List<io.agentd.client.api.ProviderGrant> grants) {
    }

    private final Coordinator coordinator;
    private final LeaseTracker leases;
    private final io.agentd.daemon.providers.ProviderGrants grants;

    public WorkerService(Coordinator coordinator, LeaseTracker leases,
                         io.agentd.daemon.providers.ProviderGrants grants) {
        this.coordinator = coordinator;
        this.leases = leases;
        this.grants = grants;
    }

    public CompletableFuture<Reply> register(RegisterWorkerRequest body, Caller caller) {
        Names.workerId("id", body.id());
        Names.text("address", body.address(), true);
        TreeMap<String, String> labels = Requests.sorted(body.labels());
        Names.labels("labels", labels);
        if (body.zone() != null && !body.zone().isEmpty()) {
            Names.dnsLabel("zone", body.zone());
        }
        Names.capacitySlots(body.capacitySlots());
        return write(new Command.RegisterWorker(body.id(), body.address(), body.zone() == null ? "" : body.zone(),
                labels, body.capacitySlots()), caller);
    }

    /**
     * Renews the lease of worker {@code id}. The read barrier, with this node leading in the same
     * term before and after it, confirms this node leads and has applied every committed entry (so
     * an expiry decided by an earlier leader is seen) before the renewal is granted; renewals
     * share barriers. Fails with {@link NotLeaderException} on any other node, a NOT_FOUND
     * rejection for an unknown worker, FAILED_PRECONDITION once its lease has expired.
     */
    public CompletableFuture<Renewed> renew(String id) {
        return renew(id, java.util.List.of());
    }

    /**
     * As {@link #renew(String)}, with what the worker's agents ask of providers: the answer carries
     * its grants (docs/providers.md), valid as long as the lease it renews.
     */
    public CompletableFuture<Renewed> renew(String id, java.util.List<io.agentd.client.api.ProviderDemand> report) {
        Names.workerId("id", id);
        io.agentd.daemon.providers.ProviderGrants.validate(report);
        long term = leases.term();
        if (term == 0 || !coordinator.raft().leadsIn(term)) {
            return CompletableFuture.failedFuture(notLeader());
        }
        return coordinator.renewable().thenApply(v -> {
            Worker w = coordinator.read(s -> s.worker(id));
            return switch (leases.renew(id, w, term)) {
                case RENEWED -> new Renewed(id, w.state(), leases.ttl().toMillis(), coordinator.revision(),
                        grants.heartbeat(id, report));
                case NOT_LEADER -> throw notLeader();
                case UNKNOWN_WORKER -> throw Rejection.notFound("worker " + id + " not found: register it first");
                case EXPIRED -> throw new Rejection(ErrorCode.FAILED_PRECONDITION, "the lease of worker " + id
                        + " has expired and its agents were handed on: stop them and register again");
            };
        });
    }

    private NotLeaderException notLeader() {
        String leader = coordinator.raft().leaderId().orElse(null);
        return new NotLeaderException("this node is not the leader" + (leader == null ? "; no leader known"
                : "; the leader is " + leader) + ": lease renewals go to the leader");
    }

    public CompletableFuture<Reply> drain(String id, int maxParallel, Caller caller) {
        Names.workerId("id", id);
        Names.drainParallel(maxParallel);
        return write(new Command.DrainWorker(id, maxParallel), caller);
    }

    public CompletableFuture<Reply> undrain(String id, Caller caller) {
        Names.workerId("id", id);
        return write(new Command.UndrainWorker(id), caller);
    }

    private CompletableFuture<Reply> write(Command c, Caller caller) {
        return coordinator.write(caller.envelope(c));
    }
}
