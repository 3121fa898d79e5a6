package io.agentd.daemon.coordinator;

import io.agentd.statemachine.model.Token;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Finds who a request comes from by its bearer token: the SHA-256 of the secret it presents,
 * looked up among the registry's tokens on this node and compared in constant time. A token
 * this node does not know yet may have been created a moment ago on the leader: {@link
 * #authenticateLatest} looks again after a read barrier, so a token is usable on every server as
 * soon as its creation is acknowledged. A revocation counts on a server once it has applied it
 * (every write is checked again when it is applied, so a revoked token changes nothing). A
 * missing, unknown, expired or revoked token gets the same answer, which says nothing of whether
 * it exists. Failures are counted and logged (at most a line a second), never written to the
 * replicated state: a stranger must not be able to fill the log. Thread-safe.
 */
public final class Authenticator {
    private static final Logger LOG = LoggerFactory.getLogger(Authenticator.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** What every new secret starts with, so that secret scanners and people can tell one. */
    static final String SECRET_PREFIX = "agd_";

    private final boolean enabled;
    private final Function<String, Token> tokenByHash;
    private final LongSupplier wallClock;
    private final Supplier<CompletableFuture<Void>> catchUp;
    private final LongAdder failures = new LongAdder();
    private final AtomicLong lastLog = new AtomicLong();
    private final AtomicLong unlogged = new AtomicLong();

    /**
     * @param enabled     false: every request is {@link Principal#ANONYMOUS} ({@code agentd dev}, insecure)
     * @param tokenByHash the token whose secret hashes to a 64-hex-digit hash, or null
     * @param catchUp     completes once this node has applied what the leader had committed when
     *                    it was called (a linearizable read barrier)
     */
    public Authenticator(boolean enabled, Function<String, Token> tokenByHash, LongSupplier wallClock,
                         Supplier<CompletableFuture<Void>> catchUp) {
        this.enabled = enabled;
        this.tokenByHash = tokenByHash;
        this.wallClock = wallClock;
        this.catchUp = catchUp;
    }

    /**
     * {@link #authenticate}, but a token this node does not know is looked up again once the node
     * has caught up with the leader (a read barrier), so that a token created a moment ago through
     * another server works here too. Completes at once when the token is known, or absent; when
     * the barrier fails the answer is the same as for an unknown token.
     */
    public CompletableFuture<Principal> authenticateLatest(String authorization, String remote) {
        if (enabled && hasBearer(authorization)
                && tokenByHash.apply(HexFormat.of().formatHex(sha256(authorization.substring(7).strip()))) == null) {
            return catchUp.get().handle((v, err) -> authenticate(authorization, remote));
        }
        try {
            return CompletableFuture.completedFuture(authenticate(authorization, remote));
        } catch (Unauthenticated e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static boolean hasBearer(String authorization) {
        return authorization != null && authorization.length() > 7
                && authorization.regionMatches(true, 0, "Bearer ", 0, 7);
    }

    public boolean enabled() {
        return enabled;
    }

    /** The principal of an {@code Authorization} header ("Bearer SECRET"); throws {@link Unauthenticated}. */
    public Principal authenticate(String authorization, String remote) {
        if (!enabled) {
            return Principal.ANONYMOUS;
        }
        if (!hasBearer(authorization)) {
            throw failed(remote, "no bearer token");
        }
        byte[] digest = sha256(authorization.substring(7).strip());
        Token t = tokenByHash.apply(HexFormat.of().formatHex(digest));
        if (t == null || !MessageDigest.isEqual(HexFormat.of().parseHex(t.hash()), digest)) {
            throw failed(remote, "unknown token");
        }
        if (t.revoked()) {
            throw failed(remote, "token " + t.id() + " is revoked");
        }
        if (t.expiredAt(wallClock.getAsLong())) {
            throw failed(remote, "token " + t.id() + " has expired");
        }
        return Principal.of(t);
    }

    /** Failed authentications since start. */
    public long failures() {
        return failures.sum();
    }

    private Unauthenticated failed(String remote, String why) {
        failures.increment();
        long now = System.nanoTime();
        long last = lastLog.get();
        if (now - last > 1_000_000_000L && lastLog.compareAndSet(last, now)) {
            long more = unlogged.getAndSet(0);
            LOG.warn("authentication failed from {}: {}{}", remote, why,
                    more == 0 ? "" : " (and " + more + " more failures not logged)");
        } else {
            unlogged.incrementAndGet();
        }
        return new Unauthenticated("a valid token is required: give it as 'Authorization: Bearer TOKEN'");
    }

    /** A new secret: 256 random bits, base64url, after {@link #SECRET_PREFIX}. */
    public static String newSecret() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return SECRET_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** The SHA-256 of a secret as 64 lowercase hex digits: what the registry keeps. */
    public static String hash(String secret) {
        return HexFormat.of().formatHex(sha256(secret.strip()));
    }

    private static byte[] sha256(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
