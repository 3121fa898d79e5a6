package io.agentd.daemon.api;

import io.agentd.daemon.coordinator.DrainRate;
import io.netty.handler.codec.http.HttpMethod;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bound on the requests a server holds: admitted and not yet answered. Writes are admitted
 * while fewer than three quarters of {@code max-inflight-requests} are held, reads (and lease
 * renewals, which are leader memory and keep workers' leases alive) up to all of it, so under
 * overload writes are shed first. A request past its bound is answered 429 at once, before its
 * token is even checked: refusing must cost less than serving.
 *
 * <p>Not counted: what is not API work ({@code /health/*}, {@code /metrics}), what servers ask
 * each other ({@code /v1/internal/*}, of which one is held open on purpose), and blocking queries
 * and long polls ({@code ?index=} or {@code ?wait=}), which wait parked for minutes at little
 * cost and would otherwise fill the bound. Thread-safe.
 */
final class Admission {
    /** How a request counts against the bound. */
    enum Kind {
        READ, WRITE, UNCOUNTED
    }

    private static final String HEARTBEAT_SUFFIX = "/heartbeat";

    private final int readLimit;
    private final int writeLimit;
    private final AtomicInteger held = new AtomicInteger();
    private final DrainRate answered;

    Admission(int maxInflightRequests, java.util.function.LongSupplier nanoClock) {
        if (maxInflightRequests < 1) {
            throw new IllegalArgumentException("max-inflight-requests must be at least 1");
        }
        this.readLimit = maxInflightRequests;
        this.writeLimit = Math.max(1, maxInflightRequests - maxInflightRequests / 4);
        this.answered = new DrainRate(nanoClock);
    }

    /** How a request counts, from its method and raw URI alone (no routing, no decoding). */
    static Kind kind(HttpMethod method, String uri) {
        if (!uri.startsWith("/v1/") || uri.startsWith("/v1/internal/")) {
            return Kind.UNCOUNTED;
        }
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        if (HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method)) {
            return q >= 0 && (hasParam(uri, q + 1, "wait") || hasParam(uri, q + 1, "index")) ? Kind.UNCOUNTED
                    : Kind.READ;
        }
        if (HttpMethod.POST.equals(method) && path.startsWith("/v1/workers/") && path.endsWith(HEARTBEAT_SUFFIX)) {
            return Kind.READ;
        }
        return Kind.WRITE;
    }

    /** Whether the query string from {@code from} names parameter {@code name}. */
    private static boolean hasParam(String uri, int from, String name) {
        int i = from;
        while (i < uri.length()) {
            int end = uri.indexOf('&', i);
            if (end < 0) {
                end = uri.length();
            }
            int eq = uri.indexOf('=', i);
            int nameEnd = eq >= 0 && eq < end ? eq : end;
            if (uri.regionMatches(i, name, 0, name.length()) && nameEnd - i == name.length()) {
                return true;
            }
            i = end + 1;
        }
        return false;
    }

    /**
     * Route templates of writes that go on under the free-space alarm although they are not
     * DELETEs: stopping an agent, a worker's report on an agent (how a delete of a running agent
     * completes), a lease renewal (leader memory, not the log), moving leadership, adding a server,
     * and a cluster check (one small entry; whether the replicas agree matters most in an incident).
     */
    private static final java.util.Set<String> GO_ON_WHILE_LOW_ON_DISK = java.util.Set.of(
            "/v1/namespaces/{ns}/agents/{name}/stop",
            "/v1/namespaces/{ns}/agents/{name}/status",
            "/v1/workers/{id}/heartbeat",
            "/v1/cluster/leader",
            "/v1/cluster/members",
            "/v1/cluster/check");

    /**
     * Whether a write, by its method and route template, adds data: refused while the cluster's
     * free-space alarm is raised. Deletes free space and always go on, as do the few writes
     * {@link #GO_ON_WHILE_LOW_ON_DISK} names.
     */
    static boolean addsData(HttpMethod method, String template) {
        return !HttpMethod.DELETE.equals(method) && !GO_ON_WHILE_LOW_ON_DISK.contains(template);
    }

    /** Takes a place for a request of this kind; false when its bound is reached (then nothing is taken). */
    boolean tryAdmit(Kind kind) {
        if (kind == Kind.UNCOUNTED) {
            return true;
        }
        int limit = kind == Kind.WRITE ? writeLimit : readLimit;
        while (true) {
            int now = held.get();
            if (now >= limit) {
                return false;
            }
            if (held.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    /** Gives back the place of an admitted request, once it is answered. */
    void release(Kind kind) {
        if (kind != Kind.UNCOUNTED) {
            held.decrementAndGet();
            answered.done(1);
        }
    }

    /** The answer to a request refused by {@link #tryAdmit}. */
    ApiException refusal(Kind kind) {
        int now = held.get();
        return ApiException.tooManyRequests("this server holds " + now + " requests, its limit for "
                + (kind == Kind.WRITE ? "writes is " + writeLimit : "reads is " + readLimit)
                + " (max-inflight-requests " + readLimit + ")", answered.retryAfterSeconds(now));
    }

    /** Requests held now. */
    int held() {
        return held.get();
    }
}
