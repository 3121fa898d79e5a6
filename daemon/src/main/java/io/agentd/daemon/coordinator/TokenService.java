package io.agentd.daemon.coordinator;

import io.agentd.client.ApiDurations;
import io.agentd.client.api.CreateTokenRequest;
import io.agentd.statemachine.Names;
import io.agentd.statemachine.Rejection;
import io.agentd.statemachine.command.Command;
import io.agentd.statemachine.command.Reply;
import io.agentd.statemachine.model.Role;
import io.agentd.statemachine.model.Token;
import io.agentd.statemachine.model.WireEnum;

import java.time.Duration;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * API tokens: a new token's secret is made here (256 random bits) and shown once; only its
 * hash is proposed, so the secret is in no log, snapshot or store.
 */
public final class TokenService {
    /** A created token and its secret, which nothing keeps. */
    public record Created(Token token, String secret) {
    }

    private final Coordinator coordinator;

    public TokenService(Coordinator coordinator) {
        this.coordinator = coordinator;
    }

    public CompletableFuture<Created> create(CreateTokenRequest body, Caller caller) {
        Role role = WireEnum.fromWord(Role.class, body.role());
        if (role == null) {
            throw Rejection.invalid("role must be one of " + WireEnum.words(Role.class) + ", got '" + body.role() + "'");
        }
        long ttl = 0;
        if (body.ttl() != null && !body.ttl().isBlank()) {
            Duration d;
            try {
                d = ApiDurations.parse(body.ttl());
            } catch (IllegalArgumentException e) {
                throw Rejection.invalid("ttl: " + e.getMessage());
            }
            if (d.isZero() || d.toMillis() > Names.MAX_TOKEN_TTL_MILLIS) {
                throw Rejection.invalid("ttl must be more than 0 and at most ten years, got " + body.ttl());
            }
            ttl = d.toMillis();
        }
        String secret = Authenticator.newSecret();
        Command c = new Command.CreateToken(Authenticator.hash(secret), role, new TreeSet<>(body.namespaces()),
                body.workerId(), ttl, body.description());
        return coordinator.write(caller.envelope(c)).thenApply(reply -> {
            if (!reply.isOk()) {
                throw new Rejection(reply.code(), reply.message());
            }
            Token t = reply.bodyAs(Token.class);
            if (!t.hash().equals(Authenticator.hash(secret))) {
                // A retry of a creation that went through: the secret made then was never shown.
                throw new Rejection(io.agentd.statemachine.ErrorCode.FAILED_PRECONDITION, "token " + t.id()
                        + " was made by an earlier attempt of this request, whose secret is lost; revoke it and"
                        + " create another");
            }
            return new Created(t, secret);
        });
    }

    public CompletableFuture<Reply> revoke(String id, Caller caller) {
        Names.tokenId(id);
        return coordinator.write(caller.envelope(new Command.RevokeToken(id)));
    }
}
