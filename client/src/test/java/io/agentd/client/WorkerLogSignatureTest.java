package io.agentd.client;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class WorkerLogSignatureTest {
    private static final String SECRET = "agd_" + "s".repeat(43);
    private static final String OTHER = "agd_" + "o".repeat(43);
    private static final String TARGET = "/v1/logs/team/a?tail=100";
    private static final long NOW = 1_800_000_000_000L;

    private static String hash(String secret) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(secret.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aSignatureByTheHashOfTheWorkersSecretIsAccepted() throws Exception {
        String header = WorkerLogSignature.sign("GET", TARGET, NOW, List.of(hash(OTHER), hash(SECRET)));
        assertThat(WorkerLogSignature.verify(header, "GET", TARGET, NOW + 1000, SECRET)).isTrue();
        assertThat(WorkerLogSignature.verify(header, "GET", TARGET, NOW - 1000, SECRET + "\n"))
                .as("the secret as a file holds it").isTrue();
    }

    @Test
    void anythingElseIsRefused() throws Exception {
        String header = WorkerLogSignature.sign("GET", TARGET, NOW, List.of(hash(SECRET)));
        assertThat(WorkerLogSignature.verify(header, "GET", TARGET, NOW, OTHER)).as("another worker").isFalse();
        assertThat(WorkerLogSignature.verify(header, "GET", "/v1/logs/team/b?tail=100", NOW, SECRET))
                .as("another agent").isFalse();
        assertThat(WorkerLogSignature.verify(header, "POST", TARGET, NOW, SECRET)).as("another method").isFalse();
        assertThat(WorkerLogSignature.verify(header, "GET", TARGET, NOW + WorkerLogSignature.MAX_SKEW_MILLIS + 1,
                SECRET)).as("too old").isFalse();
        assertThat(WorkerLogSignature.verify(header.replace("t=" + NOW, "t=" + (NOW + 1)), "GET", TARGET, NOW + 1,
                SECRET)).as("another time").isFalse();
        assertThat(WorkerLogSignature.verify(WorkerLogSignature.sign("GET", TARGET, NOW, List.of()), "GET", TARGET,
                NOW, SECRET)).as("no signature").isFalse();
        for (String bad : new String[]{null, "", "t=x,s=y", "s=" + header.substring(header.indexOf("s=") + 2),
                "t=" + NOW + ",s=!!!", "x".repeat(2000)}) {
            assertThat(WorkerLogSignature.verify(bad, "GET", TARGET, NOW, SECRET)).as(String.valueOf(bad)).isFalse();
        }
    }
}
