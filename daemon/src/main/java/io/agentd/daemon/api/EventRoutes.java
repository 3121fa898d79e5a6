package io.agentd.daemon.api;

import io.agentd.client.api.EventView;
import io.agentd.client.api.EventsPage;
import io.agentd.daemon.coordinator.Principal;
import io.agentd.statemachine.ClusterState;
import io.agentd.statemachine.model.Event;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** {@code /v1/events}: the change feed, by long poll. */
final class EventRoutes {
    static final int MAX_PAGE = 10_000;
    private final Reads reads;

    EventRoutes(Reads reads) {
        this.reads = reads;
    }

    void register(Router r) {
        r.get("/v1/events", Guard.reader(), q -> {
            if (q.query("last") != null) {
                return last(q);
            }
            long after = q.longQuery("after", 0, 0, Long.MAX_VALUE);
            int limit = (int) q.longQuery("limit", 1000, 1, MAX_PAGE);
            // Waits until the revision passes `after`; not every command emits an event, so a
            // page may still be empty.
            return reads.answerAfter(q, after, Reads.waitParam(q, Duration.ZERO), s -> {
                EventsPage page = page(s, after, limit, q.principal());
                return ApiResponse.ok(page).withHeader(Reads.REVISION_HEADER, Long.toString(page.revision()));
            });
        });
    }

    /**
     * {@code ?last=N}: the newest N retained events and the revision they are current at, where a
     * reader that follows them goes on ({@code ?after=} that revision). Answered at once, from a
     * linearizable read like any other unless {@code stale=true}.
     */
    private java.util.concurrent.CompletableFuture<ApiResponse> last(ApiRequest q) {
        for (String other : List.of("after", "limit", "wait", "index")) {
            if (q.query(other) != null) {
                throw ApiException.invalid("last and " + other + " do not go together: last answers the newest events"
                        + " at once; follow them with after=REVISION");
            }
        }
        int n = (int) q.longQuery("last", 1, 1, MAX_PAGE);
        return reads.answer(q, s -> {
            EventsPage page = new EventsPage(visible(s.lastEvents(n), q.principal()), s.revision(), false);
            return ApiResponse.ok(page).withHeader(Reads.REVISION_HEADER, Long.toString(page.revision()));
        });
    }

    /** A page of events; a token limited to namespaces sees only theirs (the revision still moves past the rest). */
    private static EventsPage page(ClusterState s, long after, int limit, Principal p) {
        List<Event> events = s.eventsAfter(after, limit);
        boolean truncated = after < s.eventsPrunedThrough();
        long rev = events.size() == limit ? events.get(events.size() - 1).revision() : s.revision();
        return new EventsPage(visible(events, p), rev, truncated);
    }

    /** The events {@code p} may see: a token limited to namespaces sees only theirs. */
    private static List<EventView> visible(List<Event> events, Principal p) {
        List<EventView> views = new ArrayList<>(events.size());
        for (Event e : events) {
            if (p.namespaces().isEmpty() || (e.namespace() != null && p.covers(e.namespace()))) {
                views.add(Views.event(e));
            }
        }
        return views;
    }
}
