package io.agentd.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentd.client.ApiDurations;

import java.io.IOException;
import java.time.Duration;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The local API's provider calls (docs/api.md, "The worker's local API"): an agent reserves a
 * request and its estimated tokens before it calls a provider, and commits what the call used.
 */
final class ProviderCalls {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern RESERVE = Pattern.compile("/v1/self/providers/([a-z0-9-]{1,63})/reserve");
    private static final Pattern COMMIT = Pattern.compile(
            "/v1/self/providers/([a-z0-9-]{1,63})/reservations/([A-Za-z0-9]{1,32})/commit");
    private static final Set<String> RESERVE_FIELDS = Set.of("requests", "tokens", "wait");
    private static final Set<String> COMMIT_FIELDS = Set.of("tokens");
    private static final Duration DEFAULT_WAIT = Duration.ZERO;

    private ProviderCalls() {
    }

    static CompletableFuture<LocalApi.Answer> handle(ProviderShares shares, LocalApi.AgentIdentity who, String path,
                                                     byte[] raw) {
        Matcher reserve = RESERVE.matcher(path);
        Matcher commit = COMMIT.matcher(path);
        if (!reserve.matches() && !commit.matches()) {
            return done(LocalApi.Answer.error(404, "NOT_FOUND", "no route " + path + ": POST /v1/self/providers/{p}/reserve"
                    + " or /v1/self/providers/{p}/reservations/{id}/commit"));
        }
        JsonNode body;
        try {
            body = raw.length == 0 ? JSON.createObjectNode() : JSON.readTree(raw);
        } catch (IOException e) {
            return done(LocalApi.Answer.error(400, "INVALID_ARGUMENT", "malformed JSON: " + e.getMessage()));
        }
        if (body == null || !body.isObject()) {
            return done(LocalApi.Answer.error(400, "INVALID_ARGUMENT", "body must be a JSON object"));
        }
        String unknown = unknownField(body, reserve.matches() ? RESERVE_FIELDS : COMMIT_FIELDS);
        if (unknown != null) {
            return done(LocalApi.Answer.error(400, "INVALID_ARGUMENT", "unknown field " + unknown));
        }
        Long tokens = number(body, "tokens");
        if (tokens == null) {
            return done(LocalApi.Answer.error(400, "INVALID_ARGUMENT", "tokens must be a whole number"));
        }
        String agent = who.namespace() + "/" + who.name();
        if (commit.matches()) {
            return done(answer(shares.commit(commit.group(2), agent, tokens)));
        }
        Long requests = number(body, "requests");
        if (requests == null || requests != 1) {
            return done(LocalApi.Answer.error(400, "INVALID_ARGUMENT", "requests must be 1 (one reservation, one call)"));
        }
        Duration wait = DEFAULT_WAIT;
        if (body.has("wait")) {
            try {
                wait = ApiDurations.parse(body.path("wait").asText());
            } catch (IllegalArgumentException e) {
                return done(LocalApi.Answer.error(400, "INVALID_ARGUMENT", "wait: " + e.getMessage()));
            }
        }
        return shares.reserve(reserve.group(1), who.namespace(), agent, tokens, wait).thenApply(ProviderCalls::answer);
    }

    /** A whole number field, 0 when absent (1 for requests), null when it is something else. */
    private static Long number(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return field.equals("requests") ? 1L : 0L;
        }
        return v.isIntegralNumber() && v.canConvertToLong() ? v.asLong() : null;
    }

    private static String unknownField(JsonNode body, Set<String> known) {
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!known.contains(f)) {
                return f;
            }
        }
        return null;
    }

    private static LocalApi.Answer answer(ProviderShares.Result r) {
        return new LocalApi.Answer(r.status(), r.body(), r.retryAfterSeconds());
    }

    private static CompletableFuture<LocalApi.Answer> done(LocalApi.Answer a) {
        return CompletableFuture.completedFuture(a);
    }
}
