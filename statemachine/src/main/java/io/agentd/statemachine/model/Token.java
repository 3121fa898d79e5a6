package io.agentd.statemachine.model;

import java.util.Objects;
import java.util.SortedSet;

/**
 * An API token as the registry keeps it: never its secret, only the secret's SHA-256
 * ({@code hash}, 64 lowercase hex digits), by which a request's token is found.
 *
 * @param id             "t" and the revision that created it
 * @param namespaces     the namespaces an operator or reader token is limited to; empty: all
 * @param workerId       the worker a worker token acts for; null for other roles
 * @param expiresAt      log time (epoch ms) from which it no longer works; 0: never
 * @param revokedAt      log time of its revocation; 0: not revoked
 */
public record Token(String id, String hash, Role role, SortedSet<String> namespaces, String workerId,
                    long expiresAt, String description, long createRevision, long createTime, long revokedAt) {
    public Token {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(namespaces, "namespaces");
        Objects.requireNonNull(description, "description");
    }

    public boolean revoked() {
        return revokedAt != 0;
    }

    /** Whether it has expired at wall-clock time {@code nowMillis} (never, without an expiry). */
    public boolean expiredAt(long nowMillis) {
        return expiresAt != 0 && nowMillis >= expiresAt;
    }

    public Token revoke(long time) {
        return new Token(id, hash, role, namespaces, workerId, expiresAt, description, createRevision, createTime,
                time == 0 ? 1 : time);
    }
}
