package io.agentd.daemon.it;

import io.agentd.cli.AgentctlRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The free-space guard on a real file system that fills up: a server whose data dir is on a
 * 64 MiB tmpfs, with {@code min-free-disk: 16MiB}. A file filling the rest to about 10 MiB free
 * raises the alarm: writes that add data get 507 INSUFFICIENT_STORAGE naming the server and its
 * free space, agentctl exits 5, reads and deletes go on, /metrics and cluster health show the
 * alarm; removing the file lets writes resume by themselves. The guard trips long before RocksDB
 * or the Raft log would fail to append, which would stop the server.
 *
 * <p>Mounting needs root (as CI runs); where it cannot mount, the test is skipped and says why:
 * it never passes without having filled a disk.
 */
class DiskFullTest {
    private static final long MIB = 1L << 20;

    @TempDir
    Path dir;

    private static String spawn(String name) {
        return "{\"name\":\"" + name + "\",\"spec\":{\"command\":\"sleep\",\"args\":[\"60\"]}}";
    }

    private static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        return p.waitFor() == 0 ? null : String.join(" ", cmd) + " failed: " + out;
    }

    /** Writes zeros to {@code file} until the file system has about {@code leaveFree} bytes free. */
    private static void fillUntilFree(Path file, long leaveFree) throws IOException {
        long usable = Files.getFileStore(file.getParent()).getUsableSpace();
        long toWrite = usable - leaveFree;
        ByteBuffer zeros = ByteBuffer.allocate((int) MIB);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            while (toWrite > 0) {
                zeros.clear().limit((int) Math.min(MIB, toWrite));
                toWrite -= ch.write(zeros);
            }
            ch.force(true);
        }
    }

    @Test
    void belowMinFreeDiskWritesGet507WhileReadsAndDeletesGoOnAndWritesResumeWithSpace() throws Exception {
        Path small = Files.createDirectories(dir.resolve("small-fs"));
        String mountFailure = run("mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", small.toString());
        org.junit.jupiter.api.Assumptions.assumeTrue(mountFailure == null,
                () -> "skipped: this test mounts a 64 MiB tmpfs, which needs root (CI runs as root): " + mountFailure);
        try (ServerProcess s = new ServerProcess("n1", small.resolve("n1"),
                List.of("--min-free-disk", "16MiB", "--disk-check-interval", "200ms"))) {
            s.start();
            await().atMost(Cluster.eventually()).until(s::ready);
            Http http = s.http();
            try {
                assertThat(http.post("/v1/namespaces/default/agents", spawn("a1")).status()).isEqualTo(201);
                assertThat(http.post("/v1/namespaces/default/agents", spawn("a2")).status()).isEqualTo(201);
                String page = http.get("/metrics").body();
                assertThat(Http.metric(page, "agentd_disk_alarm")).isZero();
                assertThat(Http.metric(page, "agentd_disk_min_free_bytes")).isEqualTo(16 * MIB);

                Path filler = small.resolve("filler");
                fillUntilFree(filler, 10 * MIB);
                int[] n = {0};
                Http.Answer refused = await().atMost(Duration.ofSeconds(30)).until(
                        () -> http.post("/v1/namespaces/default/agents", spawn("late" + n[0]++)),
                        a -> a.status() != 201);
                assertThat(refused.status()).as(refused.body()).isEqualTo(507);
                assertThat(refused.errorCode()).isEqualTo("INSUFFICIENT_STORAGE");
                assertThat(refused.errorMessage()).startsWith("n1 has ").contains(" MiB free on its data dir",
                        "min-free-disk (16.0 MiB)", "reads and deletes go on");

                assertThat(http.get("/v1/namespaces/default/agents/a1").status()).as("a read").isEqualTo(200);
                assertThat(http.get("/v1/agents").status()).isEqualTo(200);
                assertThat(http.delete("/v1/namespaces/default/agents/a1").status()).as("a delete").isEqualTo(200);
                assertThat(http.get("/v1/namespaces/default/agents/a1").status()).isEqualTo(404);
                String alarm = http.get("/metrics").body();
                assertThat(Http.metric(alarm, "agentd_disk_alarm")).isEqualTo(1);
                assertThat(Http.metric(alarm, "agentd_disk_low")).isEqualTo(1);
                Http.Answer health = http.get("/v1/cluster/health");
                assertThat(health.json().path("healthy").asBoolean()).isFalse();
                assertThat(health.json().path("diskAlarm").asBoolean()).isTrue();
                assertThat(health.json().path("problems").toString()).contains("n1 has ", "refuses writes");

                AgentctlRun cli = AgentctlRun.agentctl(Map.of("AGENTCTL_ADDR", s.url()), "spawn", "by-cli", "--cmd",
                        "sleep");
                assertThat(cli.exitCode()).as(cli.err()).isEqualTo(5);
                assertThat(cli.err()).contains("agentctl: INSUFFICIENT_STORAGE: n1 has ")
                        .contains("agentctl: insufficient storage at 127.0.0.1:" + s.httpPort);
                AgentctlRun health6 = AgentctlRun.agentctl(Map.of("AGENTCTL_ADDR", s.url()), "cluster", "health");
                assertThat(health6.exitCode()).isEqualTo(6);
                assertThat(health6.out()).contains("problem: n1 has ");

                Files.delete(filler);
                await().atMost(Duration.ofSeconds(30)).until(
                        () -> http.post("/v1/namespaces/default/agents", spawn("resumed" + n[0]++)).status() == 201);
                assertThat(Http.metric(http.get("/metrics").body(), "agentd_disk_alarm")).isZero();
                assertThat(s.alive()).isTrue();
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(e.getMessage() + "\n" + s.log(), e);
            }
        } finally {
            String umount = run("umount", small.toString());
            if (umount != null) {
                run("umount", "-l", small.toString());
            }
        }
    }
}
