package io.agentd.daemon.api;

import io.agentd.client.ApiDurations;
import io.agentd.daemon.coordinator.Coordinator;
import io.agentd.statemachine.ClusterState;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The one read path of the API: the linearizability barrier (unless {@code ?stale=true}), then a
 * blocking query's wait, then the answer made from the local replica, with the revision it was
 * read at in the {@link #REVISION_HEADER} (unless the answer names its own).
 */
final class Reads {
    static final String REVISION_HEADER = "X-Agentd-Revision";
    static final Duration MAX_WAIT = Duration.ofMinutes(5);
    /** How long a blocking query ({@code ?index=N}) waits when it names no {@code wait}. */
    private static final Duration DEFAULT_BLOCKING_WAIT = Duration.ofMinutes(1);

    private final Coordinator coordinator;

    Reads(Coordinator coordinator) {
        this.coordinator = coordinator;
    }

    /** A read answered with {@code reader}'s value; {@code ?index=N&wait=D} makes it a blocking query. */
    CompletableFuture<ApiResponse> read(ApiRequest q, Function<ClusterState, Object> reader) {
        return answer(q, s -> ApiResponse.ok(reader.apply(s)));
    }

    /** As {@link #read}, for answers that carry headers of their own. */
    CompletableFuture<ApiResponse> answer(ApiRequest q, Function<ClusterState, ApiResponse> answer) {
        long index = q.longQuery("index", -1, 0, Long.MAX_VALUE);
        return answerAfter(q, index, waitParam(q, index >= 0 ? DEFAULT_BLOCKING_WAIT : Duration.ZERO), answer);
    }

    /**
     * After the barrier, waits until the revision passes {@code after} (when it is 0 or more) or
     * {@code wait} runs out, then answers.
     */
    CompletableFuture<ApiResponse> answerAfter(ApiRequest q, long after, Duration wait,
                                               Function<ClusterState, ApiResponse> answer) {
        return lookUp(q, after, wait, s -> {
            ApiResponse r = answer.apply(s);
            return r.headers().containsKey(REVISION_HEADER) ? r
                    : r.withHeader(REVISION_HEADER, Long.toString(s.revision()));
        });
    }

    /** What {@code reader} finds in the local replica after the barrier and the wait, for answers made later. */
    <T> CompletableFuture<T> lookUp(ApiRequest q, long after, Duration wait, Function<ClusterState, T> reader) {
        return coordinator.readable(q.flag("stale"))
                .thenCompose(v -> after >= 0 ? coordinator.awaitRevision(after, wait)
                        : CompletableFuture.completedFuture(true))
                .thenApply(v -> coordinator.read(reader));
    }

    static Duration waitParam(ApiRequest q, Duration dflt) {
        String w = q.query("wait");
        if (w == null) {
            return dflt;
        }
        try {
            Duration d = ApiDurations.parse(w);
            if (d.compareTo(MAX_WAIT) > 0) {
                throw ApiException.invalid("query parameter 'wait' must be at most 5m");
            }
            return d;
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("query parameter 'wait': " + e.getMessage());
        }
    }
}
