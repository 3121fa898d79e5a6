package io.agentd.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentd.statemachine.ClusterState;
import io.agentd.statemachine.Replica;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A registry in RocksDB, killed with SIGKILL right after it was written and loaded again as a
 * restart loads it (decoder threads included), is the registry that was written: every agent,
 * every index, the dedup table and the events.
 */
class RegistryReloadTest {
    private static final int AGENTS = 30_000;

    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aRegistryKilledAfterItsWritesLoadsAsItWas() throws Exception {
        Path dir = tmp.resolve("db");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-Xmx512m", "-Dfingerprint=true", "-DwaitForKill=true",
                        "-cp", System.getProperty("java.class.path"),
                        RegistryLoadRun.class.getName(), "fill", dir.toString(), String.valueOf(AGENTS))
                .redirectError(tmp.resolve("child.stderr").toFile())
                .start();
        String line;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            line = out.readLine();
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("child died after SIGKILL").isTrue();
        }
        assertThat(line).as("child's report; stderr: %s", Files.readString(tmp.resolve("child.stderr")))
                .isNotNull().contains(AGENTS + " agents");
        assertThat(child.exitValue()).as("killed by SIGKILL, not exited").isEqualTo(128 + 9);
        String written = line.substring(line.indexOf("fingerprint ") + "fingerprint ".length()).trim();

        try (RocksStore store = RocksStore.open(dir)) {
            Replica restarted = new Replica(store);
            assertThat(restarted.state().agentCount()).isEqualTo(AGENTS);
            assertThat(RegistryLoadRun.digest(restarted.state().fingerprint())).isEqualTo(written);
            // On one thread, as before decoder threads: the same.
            assertThat(RegistryLoadRun.digest(ClusterState.load(store, 0).fingerprint())).isEqualTo(written);
        }
    }
}
