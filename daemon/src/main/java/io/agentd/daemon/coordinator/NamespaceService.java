package io.agentd.daemon.coordinator;

import io.agentd.client.api.CreateNamespaceRequest;
import io.agentd.client.api.QuotaView;
import io.agentd.statemachine.Names;
import io.agentd.statemachine.command.Command;
import io.agentd.statemachine.command.Reply;

import java.util.concurrent.CompletableFuture;

/** Namespaces and their quotas. */
public final class NamespaceService {
    private final Coordinator coordinator;

    public NamespaceService(Coordinator coordinator) {
        this.coordinator = coordinator;
    }

    public CompletableFuture<Reply> create(CreateNamespaceRequest body, Caller caller) {
        Names.namespace(body.name());
        return write(new Command.CreateNamespace(body.name(), Requests.quota(body.quota())), caller);
    }

    public CompletableFuture<Reply> setQuota(String namespace, QuotaView quota, Caller caller) {
        return write(new Command.SetQuota(Names.namespace(namespace), Requests.quota(quota)), caller);
    }

    private CompletableFuture<Reply> write(Command c, Caller caller) {
        return coordinator.write(caller.envelope(c));
    }
}
