package io.agentd.daemon.api;

import io.agentd.client.api.CreateTokenRequest;
import io.agentd.client.api.CreatedTokenView;
import io.agentd.client.api.TokenView;
import io.agentd.daemon.coordinator.Principal;
import io.agentd.daemon.coordinator.TokenService;
import io.agentd.statemachine.ClusterState;
import io.agentd.statemachine.Names;
import io.agentd.statemachine.model.Token;

import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** {@code /v1/tokens}: API tokens, made and revoked by admins; any token may ask who it is. */
final class TokenRoutes {
    private final TokenService tokens;
    private final Reads reads;
    private final Writes writes;

    TokenRoutes(TokenService tokens, Reads reads, Writes writes) {
        this.tokens = tokens;
        this.reads = reads;
        this.writes = writes;
    }

    void register(Router r) {
        r.post("/v1/tokens", Guard.admin(), q -> tokens.create(Json.read(q.body(), CreateTokenRequest.class),
                Writes.caller(q)).thenApply(c -> ApiResponse.created(new CreatedTokenView(Views.token(c.token()),
                c.secret())).withHeader(Reads.REVISION_HEADER, Long.toString(c.token().createRevision()))));
        r.get("/v1/tokens", Guard.admin(), q -> {
            boolean all = q.flag("all");
            return reads.read(q, s -> s.tokens().stream().filter(t -> all || !t.revoked())
                    .sorted(Comparator.comparingLong(Token::createRevision)).map(Views::token).toList());
        });
        r.get("/v1/tokens/self", Guard.anyToken(), this::self);
        r.get("/v1/tokens/{id}", Guard.admin(), q -> reads.read(q, s -> Views.token(token(s, q.param("id")))));
        r.delete("/v1/tokens/{id}", Guard.admin(), q -> writes.answer(tokens.revoke(q.param("id"), Writes.caller(q)),
                false));
    }

    /** The caller's own token; where authentication is off, a stand-in that says so. */
    private CompletableFuture<ApiResponse> self(ApiRequest q) {
        Principal p = q.principal();
        if (p == Principal.ANONYMOUS) {
            return CompletableFuture.completedFuture(ApiResponse.ok(new TokenView(p.actor(), p.role().word(),
                    List.of(), null, null, "authentication is off on this server", 0, null, false, null)));
        }
        return reads.read(q, s -> Views.token(token(s, p.actor())));
    }

    private static Token token(ClusterState s, String id) {
        Names.tokenId(id);
        Token t = s.token(id);
        if (t == null) {
            throw ApiException.notFound("token " + id + " not found");
        }
        return t;
    }
}
