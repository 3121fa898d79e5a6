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
 * <p>Writes are also bounded by the time they wait ({@code write-delay-target}, T): counting
 * requests alone lets a slow server hold thousands of writes for seconds each. The wait is what a
 * write takes beyond the quickest write lately (B, the least time any write took over the last 10
 * to 20 s of answers: the round trip and fsync a write costs with no queue, so that a cluster whose
 * writes take long by nature, across regions, is not throttled for it; until a write is answered
 * there is no B and no delay bound). A write is refused when both
 * <ol>
 *   <li>a queue stands: every write answered in the last whole interval of B + T took longer than
 *   B + T (CoDel's test, on the time from admission to answer of writes carried out: a burst, or the writes that
 *   piled up during a pause, leave with some quick answers among them and do not count; an
 *   interval with no answer at all says nothing and leaves the verdict as it was). The queue stands
 *   until an interval has a write answered within B + T/2; and the bound stays in force for {@link
 *   #HOLD_NANOS} after a queue last stood, since under a steady overload the queue drains while
 *   writes are refused and would fill again within an interval if admission were let go, and</li>
 *   <li>this server holds more writes than it has lately answered in B + T: by Little's law, held
 *   writes = answer rate × mean time held, so this keeps the mean wait of admitted writes near T
 *   wherever they wait, in the proposal queue, in a log entry on its way, or for the answer to be
 *   written.</li>
 * </ol>
 * A server holding fewer than {@link #MIN_WRITES_FOR_DELAY_BOUND} writes is never refused by it.
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

    /**
     * Writes always admitted as far as the delay bound goes (the count bounds still apply): below
     * this, one log entry's worth of writes would be refused for a rate measured over few answers.
     */
    static final int MIN_WRITES_FOR_DELAY_BOUND = 64;

    /**
     * How long the delay bound stays in force after a queue last stood. It costs nothing once the
     * load is gone (fewer writes are held than it allows) and spares a steady overload from an
     * unbounded admission each time the queue has drained.
     */
    static final long HOLD_NANOS = 5_000_000_000L;

    private final int readLimit;
    private final int writeLimit;
    private final long delayTargetNanos;
    private final java.util.function.LongSupplier nanoClock;
    private final AtomicInteger held = new AtomicInteger();
    private final AtomicInteger writesHeld = new AtomicInteger();
    private final com.codahale.metrics.Counter shedForDelay;
    private final DrainRate answered;
    private final DrainRate writesAnswered;
    /** How long writes took lately: B, and whether a queue stands. */
    private final WriteTimes times = new WriteTimes();

    /**
     * @param writeDelayTarget the mean wait of admitted writes the delay bound keeps to; zero: no delay bound
     */
    Admission(int maxInflightRequests, java.time.Duration writeDelayTarget, java.util.function.LongSupplier nanoClock) {
        this(maxInflightRequests, writeDelayTarget, nanoClock, new com.codahale.metrics.Counter());
    }

    /**
     * @param shedForDelay counts the writes the delay bound refuses (not those the count bounds do)
     */
    Admission(int maxInflightRequests, java.time.Duration writeDelayTarget, java.util.function.LongSupplier nanoClock,
              com.codahale.metrics.Counter shedForDelay) {
        this.shedForDelay = shedForDelay;
        if (maxInflightRequests < 1) {
            throw new IllegalArgumentException("max-inflight-requests must be at least 1");
        }
        if (writeDelayTarget.isNegative()) {
            throw new IllegalArgumentException("write-delay-target must not be negative");
        }
        this.readLimit = maxInflightRequests;
        this.writeLimit = Math.max(1, maxInflightRequests - maxInflightRequests / 4);
        this.delayTargetNanos = writeDelayTarget.toNanos();
        this.nanoClock = nanoClock;
        this.answered = new DrainRate(nanoClock);
        this.writesAnswered = new DrainRate(nanoClock);
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

    /**
     * Takes a place for a request of this kind; false when a bound is reached (then nothing is
     * taken). The place is given back with {@link #release}, passing the time this returned at.
     */
    boolean tryAdmit(Kind kind) {
        if (kind == Kind.UNCOUNTED) {
            return true;
        }
        if (kind == Kind.WRITE && waitsTooLong()) {
            return false;
        }
        int limit = kind == Kind.WRITE ? writeLimit : readLimit;
        while (true) {
            int now = held.get();
            if (now >= limit) {
                return false;
            }
            if (held.compareAndSet(now, now + 1)) {
                if (kind == Kind.WRITE) {
                    writesHeld.incrementAndGet();
                }
                return true;
            }
        }
    }

    /** Whether the delay bound refuses a write now (see the class comment). */
    private boolean waitsTooLong() {
        if (delayTargetNanos == 0) {
            return false;
        }
        int writes = writesHeld.get();
        if (writes < MIN_WRITES_FOR_DELAY_BOUND) {
            return false;
        }
        long allowed = times.standingAllowance(nanoClock.getAsLong());
        if (allowed > 0 && writes >= writesAnswered.perSecond() * allowed / 1e9) {
            shedForDelay.inc();
            return true;
        }
        return false;
    }

    /**
     * Gives back the place of an admitted request, once it is answered.
     *
     * @param admittedAt the clock's time when {@link #tryAdmit} admitted it
     * @param served whether it was carried out (a 2xx answer): only those tell how long a write
     *               waits; one refused on its way (a full proposal queue, a conflict) is answered
     *               quickly without having waited, and would hide a standing queue
     */
    void release(Kind kind, long admittedAt, boolean served) {
        if (kind == Kind.UNCOUNTED) {
            return;
        }
        held.decrementAndGet();
        answered.done(1);
        if (kind == Kind.WRITE) {
            writesHeld.decrementAndGet();
            writesAnswered.done(1);
            if (delayTargetNanos > 0 && served) {
                long now = nanoClock.getAsLong();
                times.answered(now, now - admittedAt);
            }
        }
    }

    /** The clock admission uses: pass its reading at admission to {@link #release}. */
    long now() {
        return nanoClock.getAsLong();
    }

    /** The answer to a request refused by {@link #tryAdmit}. */
    ApiException refusal(Kind kind) {
        int now = held.get();
        if (kind == Kind.WRITE && now < writeLimit) {
            int writes = writesHeld.get();
            double rate = writesAnswered.perSecond();
            long quick = Math.max(0, times.quickest());
            long excess = Math.max(1, writes - (long) (rate * (quick + delayTargetNanos) / 1e9));
            return ApiException.tooManyRequests("writes wait too long on this server: it holds " + writes
                    + " and answers about " + Math.round(rate) + " a second, a wait of more than "
                    + java.time.Duration.ofNanos(delayTargetNanos).toMillis() + " ms (write-delay-target) beyond the "
                    + java.time.Duration.ofNanos(quick).toMillis() + " ms the quickest writes take",
                    writesAnswered.retryAfterSeconds(excess));
        }
        return ApiException.tooManyRequests("this server holds " + now + " requests, its limit for "
                + (kind == Kind.WRITE ? "writes is " + writeLimit : "reads is " + readLimit)
                + " (max-inflight-requests " + readLimit + ")", answered.retryAfterSeconds(now));
    }

    /** Requests held now. */
    int held() {
        return held.get();
    }

    /** Writes held now. */
    int writesHeld() {
        return writesHeld.get();
    }

    /** Whether the delay bound is in force now (1: a queue stands or stood lately) or not (0). */
    int delayBoundInForce() {
        return times.standingAllowance(nanoClock.getAsLong()) > 0 ? 1 : 0;
    }

    /**
     * The times writes took from admission to answer: B, the least over the window of {@link
     * #WINDOW_NANOS} now filling and the last one before it that saw answers; and CoDel's verdict,
     * whether every write answered in the last whole interval of B + T took longer than B + T.
     */
    private final class WriteTimes {
        static final long WINDOW_NANOS = 10_000_000_000L;
        private long windowStart = Long.MIN_VALUE;
        private long current = Long.MAX_VALUE;
        private long previous = Long.MAX_VALUE;
        private long intervalStart;
        private long intervalLeast = Long.MAX_VALUE;
        private boolean standing;
        private boolean everStood;
        private long stoodAt;

        /** A write was answered at {@code now}, {@code took} after its admission. */
        synchronized void answered(long now, long took) {
            if (windowStart == Long.MIN_VALUE) {
                windowStart = now;
                intervalStart = now;
            } else if (now - windowStart >= WINDOW_NANOS) {
                previous = current; // this window saw an answer: the one being counted now
                current = Long.MAX_VALUE;
                windowStart = now;
            }
            current = Math.min(current, took);
            long allowed = Math.min(current, previous) + delayTargetNanos;
            if (now - intervalStart >= allowed) {
                // The interval now closing had answers (this call is in it, or closes it): judge it. A
                // standing queue is over once a write took less than B + T/2 (hysteresis: at B + T the
                // verdict would flip with every interval while the bound holds the wait at the target).
                standing = intervalLeast > (standing ? allowed - delayTargetNanos / 2 : allowed);
                if (standing) {
                    everStood = true;
                    stoodAt = now;
                }
                intervalStart = now;
                intervalLeast = took;
            } else {
                intervalLeast = Math.min(intervalLeast, took);
            }
        }

        /** B + T while the delay bound is in force: a queue stands, or stood less than {@link #HOLD_NANOS} ago; else 0. */
        synchronized long standingAllowance(long now) {
            boolean inForce = standing || (everStood && now - stoodAt < HOLD_NANOS);
            return inForce ? Math.min(current, previous) + delayTargetNanos : 0;
        }

        /** B; -1 while no write was answered. */
        synchronized long quickest() {
            long least = Math.min(current, previous);
            return least == Long.MAX_VALUE ? -1 : least;
        }
    }
}
