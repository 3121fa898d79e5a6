package io.agentd.daemon.api;

import io.agentd.client.api.HeartbeatView;
import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * Lease renewals, {@code POST /v1/workers/{id}/heartbeat}, without the general route machinery:
 * every worker sends one a second, so at thousands of workers they are most of a leader's
 * requests. The request is recognised from its method and URI alone (no router, no query
 * decoding, no JSON parsing of a {@code {}} body) and the answer is written without Jackson. It
 * gives the same answers as the general route; anything it is not sure about (a query string, a
 * percent-encoded or invalid id, a body other than empty or {@code {}}) goes the general way,
 * which also does the full validation and its error messages.
 */
public final class HeartbeatFastPath {
    private static final String PREFIX = "/v1/workers/";
    private static final String SUFFIX = "/heartbeat";
    private static final int MAX_ID = 128; // Names.workerId

    /** Renews a lease: {@link ApiRoutes#renewLease}. */
    @FunctionalInterface
    interface Renewer {
        CompletableFuture<HeartbeatView> renew(String workerId);
    }

    private HeartbeatFastPath() {
    }

    /**
     * The worker id when {@code uri} is exactly {@code /v1/workers/{id}/heartbeat} with an id of
     * 1-128 of A-Z, a-z, 0-9, '.', '_' and '-' (a valid id, nothing to decode); null otherwise.
     */
    static String workerId(String uri) {
        if (!uri.startsWith(PREFIX) || !uri.endsWith(SUFFIX)) {
            return null;
        }
        int from = PREFIX.length();
        int to = uri.length() - SUFFIX.length();
        if (to - from < 1 || to - from > MAX_ID) {
            return null;
        }
        for (int i = from; i < to; i++) {
            if (!plain(uri.charAt(i))) {
                return null;
            }
        }
        return uri.substring(from, to);
    }

    /** Whether the body is empty or {@code {}}, with any JSON whitespace around and inside. */
    static boolean emptyObject(ByteBuf body) {
        int i = body.readerIndex();
        int end = body.writerIndex();
        i = skipSpace(body, i, end);
        if (i == end) {
            return true;
        }
        if (body.getByte(i) != '{') {
            return false;
        }
        i = skipSpace(body, i + 1, end);
        if (i == end || body.getByte(i) != '}') {
            return false;
        }
        return skipSpace(body, i + 1, end) == end;
    }

    /**
     * The answer's JSON, byte for byte what {@link Json#write} gives for the view; null when a
     * string in it would need escaping (the caller then uses {@link Json#write}).
     */
    static byte[] render(HeartbeatView v) {
        if (!plainString(v.worker()) || !plainString(v.state())) {
            return null;
        }
        String s = "{\"worker\":\"" + v.worker() + "\",\"state\":\"" + v.state() + "\",\"leaseTtlMs\":"
                + v.leaseTtlMs() + ",\"revision\":" + v.revision() + "}";
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static int skipSpace(ByteBuf b, int i, int end) {
        while (i < end) {
            byte c = b.getByte(i);
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                break;
            }
            i++;
        }
        return i;
    }

    private static boolean plain(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
                || c == '-';
    }

    private static boolean plainString(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }
}
