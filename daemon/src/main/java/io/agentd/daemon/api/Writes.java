package io.agentd.daemon.api;

import io.agentd.daemon.coordinator.Caller;
import io.agentd.daemon.coordinator.Coordinator;
import io.agentd.statemachine.command.Reply;
import io.agentd.statemachine.model.Agent;
import io.agentd.statemachine.model.MetadataResult;
import io.agentd.statemachine.model.Namespace;
import io.agentd.statemachine.model.Token;
import io.agentd.statemachine.model.Worker;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** The API side of a change: who asks, and the reply of the state machine as an HTTP answer. */
final class Writes {
    private final Coordinator coordinator;

    Writes(Coordinator coordinator) {
        this.coordinator = coordinator;
    }

    /** The caller of a request: its principal, address and Idempotency-Key (validated: a bad key is a 400). */
    static Caller caller(ApiRequest q) {
        return new Caller(q.principal(), q.remote(), q.headers().get("Idempotency-Key"));
    }

    /** A rejected reply becomes its error; an accepted one its view, 201 when it created something and may. */
    CompletableFuture<ApiResponse> answer(CompletableFuture<Reply> reply, boolean mayCreate) {
        return reply.thenApply(r -> {
            if (!r.isOk()) {
                throw ErrorMapping.error(r.code(), r.message());
            }
            Object body = view(r);
            ApiResponse out = mayCreate && r.created() ? ApiResponse.created(body) : ApiResponse.ok(body);
            return out.withHeader(Reads.REVISION_HEADER, Long.toString(r.revision()));
        });
    }

    private Object view(Reply reply) {
        Object b = reply.body();
        if (b instanceof Agent a) {
            // Written straight from the record when the answer is sent: Views.agent + Json.write in one.
            return new ApiResponse.RawJson(g -> AgentJson.write(g, a));
        } else if (b instanceof Namespace n) {
            // Usage is read at answer time; the namespace itself is the one the command left.
            return coordinator.read(s -> Views.namespace(s, n));
        } else if (b instanceof Worker w) {
            return coordinator.read(s -> Views.worker(s, w));
        } else if (b instanceof MetadataResult m) {
            return Views.metadata(m);
        } else if (b instanceof Token t) {
            return Views.token(t);
        } else if (b instanceof io.agentd.statemachine.model.Provider p) {
            return Views.provider(p);
        }
        return Map.of();
    }
}
