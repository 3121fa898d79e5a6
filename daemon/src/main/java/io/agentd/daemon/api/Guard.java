package io.agentd.daemon.api;

import io.agentd.daemon.coordinator.Forbidden;
import io.agentd.daemon.coordinator.Principal;
import io.agentd.statemachine.model.Role;

import java.util.function.Function;

/**
 * Who may call a route. Every route has one; {@link HttpApiServer} authenticates the request
 * (unless the guard needs no token: {@link #OPEN}, {@link #servers}) and asks the guard before
 * the handler runs, so a refused request changes nothing. What depends on the registry's state
 * (whose agent a report is about, whether the token still stands) the state machine checks again
 * when the command applies.
 */
@FunctionalInterface
public interface Guard {
    /** Throws {@link Forbidden} when {@code principal} may not make {@code request}. */
    void check(Principal principal, ApiRequest request);

    /** Whether the request needs a token at all. */
    default boolean authenticates() {
        return true;
    }

    /** No token needed: health checks, metrics. */
    Guard OPEN = new Guard() {
        @Override
        public void check(Principal principal, ApiRequest request) {
        }

        @Override
        public boolean authenticates() {
            return false;
        }
    };

    /** The header in which a server shows another the cluster secret. */
    String CLUSTER_SECRET_HEADER = "X-Agentd-Cluster-Secret";

    /**
     * What coordinators ask of each other (fast failover): servers hold no token, so they show the
     * secret every server of the cluster shares. {@code secret} null: no server can (the routes
     * are refused, and fast failover is off).
     */
    static Guard servers(String secret) {
        byte[] expected = secret == null ? null : secret.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return new Guard() {
            @Override
            public void check(Principal principal, ApiRequest request) {
                String shown = request.headers().get(CLUSTER_SECRET_HEADER);
                if (expected == null || shown == null || !java.security.MessageDigest.isEqual(expected,
                        shown.getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
                    throw new io.agentd.daemon.coordinator.Unauthenticated("only the cluster's servers may ask this"
                            + " (they show the cluster secret)");
                }
            }

            @Override
            public boolean authenticates() {
                return false;
            }
        };
    }

    /** Any valid token. */
    static Guard anyToken() {
        return (p, q) -> { };
    }

    /** Reads of the cluster's objects: admin, operator, reader (the answers keep to their namespaces). */
    static Guard reader() {
        return (p, q) -> allow(p.mayRead(null), p, "read this");
    }

    /** Reads within the namespace a request names. */
    static Guard reads(Function<ApiRequest, String> namespace) {
        return (p, q) -> allow(p.mayRead(namespace.apply(q)), p, "read namespace " + namespace.apply(q));
    }

    /** Changes within the namespace a request names: admin, or an operator of that namespace. */
    static Guard operates(Function<ApiRequest, String> namespace) {
        return (p, q) -> allow(p.mayOperate(namespace.apply(q)), p, "change namespace " + namespace.apply(q));
    }

    /** Changes to what belongs to no namespace (namespaces, quotas, workers): admin, or an unscoped operator. */
    static Guard operatesCluster() {
        return (p, q) -> allow(p.mayOperate(null), p, "change what belongs to no namespace (namespaces, quotas,"
                + " workers)");
    }

    /** What only the worker a request names does (or an admin). */
    static Guard actsFor(Function<ApiRequest, String> workerId) {
        return (p, q) -> allow(p.actsFor(workerId.apply(q)), p, "act for worker " + workerId.apply(q));
    }

    /** Admin only. */
    static Guard admin() {
        return (p, q) -> allow(p.admin(), p, "do this (admin only)");
    }

    /** A worker's own business, checked further by the handler (admins may too). */
    static Guard workerRole() {
        return (p, q) -> allow(p.admin() || p.role() == Role.WORKER, p, "do what workers do");
    }

    /** Either guard lets the request through. */
    default Guard or(Guard other) {
        Guard self = this;
        return (p, q) -> {
            try {
                self.check(p, q);
            } catch (Forbidden first) {
                other.check(p, q);
            }
        };
    }

    static void allow(boolean allowed, Principal p, String what) {
        if (!allowed) {
            throw new Forbidden(p + " may not " + what);
        }
    }
}
