package io.agentd.worker.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentLaunchTest {
    @TempDir
    Path dir;

    private AgentLaunch launch(String command, Map<String, String> env, long logBytes, Duration lease) {
        return new AgentLaunch("a", command, List.of("x"), env, null, dir, logBytes, 3, lease, Duration.ofSeconds(1),
                dir.resolve("agentd-watchdog"));
    }

    @Test
    void rejectsWhatTheWatchdogCouldNotRun() {
        assertThatThrownBy(() -> launch(" ", Map.of(), 4096, Duration.ofSeconds(1)))
                .hasMessageContaining("command");
        assertThatThrownBy(() -> launch("x", Map.of("A=B", "c"), 4096, Duration.ofSeconds(1)))
                .hasMessageContaining("A=B");
        assertThatThrownBy(() -> launch("x", Map.of("A", "c\0d"), 4096, Duration.ofSeconds(1)))
                .hasMessageContaining("env A");
        assertThatThrownBy(() -> launch("x", Map.of(), 10, Duration.ofSeconds(1)))
                .hasMessageContaining("logMaxBytes");
        assertThatThrownBy(() -> launch("x", Map.of(), 4096, Duration.ZERO))
                .hasMessageContaining("initialLease");
    }

    @Test
    void copiesItsCollections() {
        Map<String, String> env = new HashMap<>(Map.of("B", "2", "A", "1"));
        AgentLaunch launch = launch("x", env, 4096, Duration.ofSeconds(1));
        env.put("C", "3");
        assertThat(launch.env()).containsOnlyKeys("A", "B");
        assertThat(launch.env().keySet()).containsExactly("A", "B");
    }

    @Test
    void theScriptIsInstalledExecutableOnceAndReplacedWhenItDiffers() throws Exception {
        Path script = WatchdogScript.install(dir.resolve("bin"));
        assertThat(Files.getPosixFilePermissions(script)).isEqualTo(PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(Files.readAllBytes(script)).isEqualTo(WatchdogScript.content());
        var firstInstall = Files.readAttributes(script, "unix:ino").get("ino");
        assertThat(Files.readAttributes(WatchdogScript.install(dir.resolve("bin")), "unix:ino").get("ino"))
                .isEqualTo(firstInstall);

        Files.writeString(script, "stale");
        WatchdogScript.install(dir.resolve("bin"));
        assertThat(Files.readAllBytes(script)).isEqualTo(WatchdogScript.content());
        try (var files = Files.list(dir.resolve("bin"))) {
            assertThat(files).hasSize(1);
        }
    }

    @Test
    void bootClockParsesProcUptime() {
        assertThat(BootClock.parse("350735.47 1384715.23\n")).isEqualTo(350_735_470L);
        assertThat(BootClock.parse("5.06 1.00")).isEqualTo(5_060L);
        long a = BootClock.millis();
        assertThat(BootClock.millis()).isGreaterThanOrEqualTo(a);
    }
}
