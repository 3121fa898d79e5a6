package io.agentd.daemon.coordinator;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

/**
 * The secret every server of a cluster shares and shows the others when it asks them what only
 * servers may ask (fast failover): the operator's {@code cluster-secret-file}, or else one derived
 * from the bootstrap token's secret (HMAC-SHA256 under it, so the admin secret itself never travels
 * and the derived one opens nothing else), or none.
 */
public final class ClusterSecret {
    private ClusterSecret() {
    }

    /** The cluster secret, or null when neither file is given. Throws naming the file when it is unusable. */
    public static String of(Path clusterSecretFile, Path bootstrapTokenFile) {
        if (clusterSecretFile != null) {
            return io.agentd.daemon.config.SecretFile.read(clusterSecretFile, "cluster secret");
        }
        if (bootstrapTokenFile != null) {
            return derive(io.agentd.daemon.config.SecretFile.read(bootstrapTokenFile, "bootstrap token"));
        }
        return null;
    }

    static String derive(String bootstrapSecret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(bootstrapSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal("agentd cluster secret".getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no HmacSHA256", e);
        }
    }
}
