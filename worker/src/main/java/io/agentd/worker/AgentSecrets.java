package io.agentd.worker;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The secret each agent process proves itself with on the local API ({@code AGENTD_AGENT_SECRET}):
 * a new one for every process start, void once that process has exited. {@link #issue} and
 * {@link #revoke} run on the actions thread; {@link #holder} on any thread.
 */
final class AgentSecrets {
    private final Map<String, Instance> bySecret = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();

    /** A fresh secret for the instance's next process; the previous one stops working. */
    String issue(Instance i) {
        revoke(i);
        byte[] raw = new byte[24];
        random.nextBytes(raw);
        i.secret = HexFormat.of().formatHex(raw);
        bySecret.put(i.secret, i);
        return i.secret;
    }

    /** The instance's current secret stops working. */
    void revoke(Instance i) {
        if (i.secret != null) {
            bySecret.remove(i.secret);
            i.secret = null;
        }
    }

    /** The instance whose running process holds this secret, or null. */
    Instance holder(String secret) {
        return bySecret.get(secret);
    }
}
