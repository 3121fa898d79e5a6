package io.agentd.worker.systemd;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SystemdTest {
    @TempDir
    Path dir;

    @Test
    void readyStatusAndStoppingReachTheSocketAPathNames() throws Exception {
        try (NotifySocket socket = new NotifySocket(dir.resolve("notify"))) {
            Systemd sd = Systemd.fromEnvironment(Map.of("NOTIFY_SOCKET", socket.name()), 42);
            assertThat(sd.enabled()).isTrue();
            sd.ready("serving\non 127.0.0.1:7420");
            assertThat(socket.receive(Duration.ofSeconds(5))).isEqualTo("READY=1\nSTATUS=serving on 127.0.0.1:7420");
            sd.status("leader n2");
            assertThat(socket.receive(Duration.ofSeconds(5))).isEqualTo("STATUS=leader n2");
            sd.stopping("stopping");
            assertThat(socket.receive(Duration.ofSeconds(5))).isEqualTo("STOPPING=1\nSTATUS=stopping");
        }
    }

    @Test
    void anAbstractSocketNameWorksToo() throws Exception {
        String name = "@agentd-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        try (NotifySocket socket = new NotifySocket(name)) {
            Systemd.fromEnvironment(Map.of("NOTIFY_SOCKET", name), 42).ready("up");
            assertThat(socket.receive(Duration.ofSeconds(5))).isEqualTo("READY=1\nSTATUS=up");
        }
    }

    @Test
    void withoutNotifySocketNothingIsSentAndNothingFails() {
        Systemd sd = Systemd.fromEnvironment(Map.of("WATCHDOG_USEC", "1000000"), 42);
        assertThat(sd.enabled()).isFalse();
        assertThat(sd.watchdogInterval()).isEmpty();
        sd.ready("up");
        sd.startWatchdog(() -> true);
        sd.close();
    }

    @Test
    void aSocketThatIsGoneIsLoggedNotThrown() {
        Systemd sd = Systemd.fromEnvironment(Map.of("NOTIFY_SOCKET", dir.resolve("nobody").toString()), 42);
        sd.ready("up"); // ECONNREFUSED or ENOENT: logged once
        sd.status("still up");
    }

    @Test
    void theWatchdogIsForThisProcessOnlyAndPingsWhileHealthy() throws Exception {
        try (NotifySocket socket = new NotifySocket(dir.resolve("notify"))) {
            assertThat(Systemd.fromEnvironment(Map.of("NOTIFY_SOCKET", socket.name(), "WATCHDOG_USEC", "200000",
                    "WATCHDOG_PID", "7"), 42).watchdogInterval()).isEmpty();
            Systemd sd = Systemd.fromEnvironment(Map.of("NOTIFY_SOCKET", socket.name(), "WATCHDOG_USEC", "200000",
                    "WATCHDOG_PID", "42"), 42);
            assertThat(sd.watchdogInterval()).contains(Duration.ofMillis(200));
            AtomicBoolean healthy = new AtomicBoolean(true);
            sd.startWatchdog(healthy::get);
            try {
                assertThat(socket.receive(Duration.ofSeconds(5))).isEqualTo("WATCHDOG=1");
                assertThat(socket.receive(Duration.ofSeconds(5))).isEqualTo("WATCHDOG=1");
                healthy.set(false);
                // Pings sent before health went may still be queued: read them until a quiet spell
                // of several intervals (bounded), then no more come.
                int queued = 0;
                while (socket.receive(Duration.ofMillis(350)) != null) {
                    assertThat(++queued).as("pings after health went").isLessThan(30);
                }
                assertThat(socket.receive(Duration.ofMillis(600))).isNull();
            } finally {
                sd.close();
            }
        }
    }
}
