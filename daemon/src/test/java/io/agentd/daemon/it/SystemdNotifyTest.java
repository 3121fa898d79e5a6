package io.agentd.daemon.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentd.worker.systemd.NotifySocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code agentd server} and {@code agentd worker} as real processes under a stand-in for
 * systemd's notification socket: READY=1 once they serve, WATCHDOG=1 pings when a watchdog is
 * asked for, STOPPING=1 on SIGTERM, and exit 0.
 */
class SystemdNotifyTest {
    @TempDir
    Path dir;

    private static final Duration START = Duration.ofSeconds(60);

    @Test
    void aServerAndAWorkerSayReadyPingTheWatchdogAndSayStopping() throws Exception {
        int http = Ports.free();
        try (NotifySocket socket = new NotifySocket(dir.resolve("server-notify"));
             NotifySocket workerSocket = new NotifySocket(dir.resolve("worker-notify"))) {
            ProcessBuilder server = new ProcessBuilder(ChildJvm.agentd("256m", "server", "--node-id", "n1",
                    "--data-dir", dir.resolve("n1").toString(), "--http-addr", "127.0.0.1:" + http,
                    "--raft-addr", "127.0.0.1:" + Ports.free(), "--insecure", "true"))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile());
            server.environment().put("NOTIFY_SOCKET", socket.name());
            server.environment().put("WATCHDOG_USEC", "2000000");
            Process p = server.start();
            Process w = null;
            try {
                List<String> got = socket.receiveUntil("READY=1", START);
                assertThat(got).as(ChildJvm.tail(dir.resolve("server.log"))).isNotEmpty();
                assertThat(got.get(got.size() - 1)).startsWith("READY=1\nSTATUS=node n1 on 127.0.0.1:" + http);
                assertThat(socket.receiveUntil("WATCHDOG=1", Duration.ofSeconds(10)))
                        .anyMatch(m -> m.equals("WATCHDOG=1"));

                ProcessBuilder worker = new ProcessBuilder(ChildJvm.agentd("128m", "worker", "--worker-id", "w1",
                        "--servers", "http://127.0.0.1:" + http, "--data-dir", dir.resolve("w1").toString(),
                        "--local-api", "127.0.0.1:" + Ports.free()))
                        .redirectErrorStream(true).redirectOutput(dir.resolve("worker.log").toFile());
                worker.environment().put("NOTIFY_SOCKET", workerSocket.name());
                w = worker.start();
                List<String> workerGot = workerSocket.receiveUntil("READY=1", START);
                assertThat(workerGot).as(ChildJvm.tail(dir.resolve("worker.log")))
                        .anyMatch(m -> m.startsWith("READY=1\nSTATUS=worker w1: "));

                w.destroy(); // SIGTERM
                assertThat(workerSocket.receiveUntil("STOPPING=1", START)).anyMatch(m -> m.startsWith("STOPPING=1"));
                assertThat(w.waitFor(60, TimeUnit.SECONDS)).isTrue();
                assertThat(w.exitValue()).isZero();

                p.destroy();
                assertThat(socket.receiveUntil("STOPPING=1", START)).anyMatch(m -> m.startsWith("STOPPING=1"));
                assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
                assertThat(p.exitValue()).as(ChildJvm.tail(dir.resolve("server.log"))).isZero();
            } finally {
                if (w != null) {
                    w.destroyForcibly();
                }
                p.destroyForcibly();
            }
        }
    }
}
