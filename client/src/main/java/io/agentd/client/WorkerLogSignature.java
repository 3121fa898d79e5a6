package io.agentd.client;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;

/**
 * How a coordinator proves to a worker's local API that a request for an agent's logs comes
 * from it, without a secret of its own on the worker: the registry keeps the SHA-256 of each
 * worker token's secret, and the worker knows its secret, so both can compute an HMAC-SHA256
 * keyed by that hash. The coordinator signs the request line and the time with the hash of each
 * of the worker's live tokens (a worker may hold two during a rotation); the worker accepts the
 * request when one signature matches its own and the time is within {@link #MAX_SKEW_MILLIS} of
 * its clock. The header: {@code X-Agentd-Signature: t=MILLIS,s=BASE64URL[,s=BASE64URL]…}.
 *
 * <p>Who can forge one: whoever knows a worker token's secret or the registry's hash of it (the
 * servers' data dirs). Nothing else reads the hashes: the API never shows them.
 */
public final class WorkerLogSignature {
    public static final String HEADER = "X-Agentd-Signature";
    /** How far the signer's and the worker's wall clocks may differ; a signature replays only this long. */
    public static final long MAX_SKEW_MILLIS = 5 * 60_000L;
    /** Signatures a header may carry: a worker's live tokens, bounded. */
    public static final int MAX_SIGNATURES = 8;

    private WorkerLogSignature() {
    }

    /**
     * The header value for a request: {@code target} is the path and query as sent
     * ({@code /v1/logs/ns/name?tail=100}); {@code tokenHashes} the 64-hex-digit hashes of the
     * worker's live tokens (at most {@link #MAX_SIGNATURES} are used).
     */
    public static String sign(String method, String target, long nowMillis, Collection<String> tokenHashes) {
        StringBuilder b = new StringBuilder("t=").append(nowMillis);
        int n = 0;
        for (String hash : tokenHashes) {
            if (n++ == MAX_SIGNATURES) {
                break;
            }
            b.append(",s=").append(Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(mac(HexFormat.of().parseHex(hash), method, target, nowMillis)));
        }
        return b.toString();
    }

    /**
     * True when {@code header} carries a signature of this request by the hash of
     * {@code secret}, made within {@link #MAX_SKEW_MILLIS} of {@code nowMillis}. Signatures are
     * compared in constant time; a malformed header is false.
     */
    public static boolean verify(String header, String method, String target, long nowMillis, String secret) {
        if (header == null || header.length() > 1024) {
            return false;
        }
        long time = -1;
        List<byte[]> signatures = new ArrayList<>();
        for (String part : header.split(",")) {
            String p = part.strip();
            try {
                if (p.startsWith("t=")) {
                    time = Long.parseLong(p.substring(2));
                } else if (p.startsWith("s=") && signatures.size() < MAX_SIGNATURES) {
                    signatures.add(Base64.getUrlDecoder().decode(p.substring(2)));
                }
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
        if (time < 0 || Math.abs(nowMillis - time) > MAX_SKEW_MILLIS) {
            return false;
        }
        byte[] expected = mac(sha256(secret), method, target, time);
        boolean ok = false;
        for (byte[] s : signatures) {
            ok |= MessageDigest.isEqual(expected, s);
        }
        return ok;
    }

    private static byte[] mac(byte[] key, String method, String target, long time) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal((method + ' ' + target + '\n' + time).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no HmacSHA256", e);
        }
    }

    /** The SHA-256 of a secret, as the registry keeps it (the secret stripped of surrounding blanks). */
    private static byte[] sha256(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.strip().getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
