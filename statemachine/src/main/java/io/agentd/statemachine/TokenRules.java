package io.agentd.statemachine;

import io.agentd.statemachine.command.Command;
import io.agentd.statemachine.command.Reply;
import io.agentd.statemachine.model.Role;
import io.agentd.statemachine.model.Token;

import java.util.TreeSet;

/** API tokens: creation, revocation, and the first admin token of a cluster. */
final class TokenRules {
    private TokenRules() {
    }

    static Reply create(Tx tx, Command.CreateToken c) {
        Names.tokenHash(c.hash());
        if (c.role() == null) {
            throw Rejection.invalid("role is required");
        }
        if (c.namespaces() != null && !c.namespaces().isEmpty()) {
            if (!c.role().scopable()) {
                throw Rejection.invalid("namespaces limit operator and reader tokens only, not " + c.role().word());
            }
            if (c.namespaces().size() > Names.MAX_LIST) {
                throw Rejection.invalid("namespaces has more than " + Names.MAX_LIST + " entries");
            }
            c.namespaces().forEach(Names::namespace);
        }
        if (c.role() == Role.WORKER) {
            Names.workerId("workerId", c.workerId());
        } else if (c.workerId() != null) {
            throw Rejection.invalid("workerId binds worker tokens only, not " + c.role().word());
        }
        if (c.ttlMillis() < 0 || c.ttlMillis() > Names.MAX_TOKEN_TTL_MILLIS) {
            throw Rejection.invalid("ttl must be between 0 (no expiry) and ten years");
        }
        String description = c.description() == null ? "" : Names.text("description", c.description(), false);
        if (tx.state.tokenByHash(c.hash()) != null) {
            throw new Rejection(ErrorCode.ALREADY_EXISTS, "a token with this secret exists already");
        }
        Token t = new Token("t" + tx.revision, c.hash(), c.role(),
                c.namespaces() == null ? new TreeSet<>() : new TreeSet<>(c.namespaces()), c.workerId(),
                c.ttlMillis() == 0 ? 0 : tx.time + c.ttlMillis(), description, tx.revision, tx.time, 0);
        tx.state.putToken(t);
        return Reply.ok(tx.revision, true, t);
    }

    static Reply revoke(Tx tx, Command.RevokeToken c) {
        Names.tokenId(c.id());
        Token t = tx.state.token(c.id());
        if (t == null) {
            throw Rejection.notFound("token " + c.id() + " not found");
        }
        if (t.revoked()) {
            return Reply.ok(tx.state.revision(), false, t);
        }
        Token revoked = t.revoke(tx.time);
        tx.state.putToken(revoked);
        return Reply.ok(tx.revision, false, revoked);
    }

    static Reply bootstrap(Tx tx, Command.BootstrapToken c) {
        Names.tokenHash(c.hash());
        if (tx.state.hasTokens()) {
            throw new Rejection(ErrorCode.FAILED_PRECONDITION, "tokens exist already: the bootstrap token was made");
        }
        Token t = new Token("t" + tx.revision, c.hash(), Role.ADMIN, new TreeSet<>(), null, 0, "bootstrap",
                tx.revision, tx.time, 0);
        tx.state.putToken(t);
        return Reply.ok(tx.revision, true, t);
    }
}
