package io.agentd.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tarball unpacked into a fresh directory: its agentctl runs, and its agentd runs a server
 * with the shipped agentd.yaml (only the data dir and the ports moved into the test's place)
 * that becomes ready and answers the installed agentctl with the admin token it wrote.
 */
class TarballInstallIT {
    @TempDir
    Path dir;

    @Test
    void theUnpackedTreeRunsAgentctlAndAServerWithTheShippedConfig() throws Exception {
        Path tarball = Path.of(System.getProperty("agentd.tarball"));
        assertThat(tarball).exists();
        Installed.Run untar = Installed.run(List.of("tar", "-xzf", tarball.toString(), "-C", dir.toString()),
                Map.of(), Duration.ofMinutes(2));
        assertThat(untar.exitCode()).as(untar.output()).isZero();
        Path root;
        try (var list = Files.list(dir)) {
            root = list.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        assertThat(root.getFileName().toString()).startsWith("agentd-");
        for (String f : List.of("usr/bin/agentd", "usr/bin/agentctl")) {
            assertThat(Files.isExecutable(root.resolve(f))).as(f).isTrue();
        }
        assertThat(root.resolve("lib/systemd/system/agentd-server.service")).exists();
        assertThat(root.resolve("usr/share/man/man1/agentctl.1.gz")).exists();
        assertThat(root.resolve("usr/share/bash-completion/completions/agentctl")).exists();

        Installed.Run version = Installed.run(List.of(root.resolve("usr/bin/agentctl").toString(), "--version"),
                Map.of(), Duration.ofMinutes(1));
        assertThat(version.exitCode()).as(version.output()).isZero();
        assertThat(version.output()).startsWith("agentctl 0.");
        // The launcher recorded agentctl's class data archive beside the tree, where it may write.
        assertThat(root.resolve("var/cache/agentd/agentctl.jsa")).exists();

        int http = Installed.freePort();
        Path data = dir.resolve("data");
        Path log = dir.resolve("server.log");
        ProcessBuilder pb = new ProcessBuilder(root.resolve("usr/bin/agentd").toString(), "server",
                "--config", root.resolve("etc/agentd/agentd.yaml").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(Map.of("AGENTD_DATA_DIR", data.toString(), "AGENTD_HTTP_ADDR", "127.0.0.1:" + http,
                "AGENTD_RAFT_ADDR", "127.0.0.1:" + Installed.freePort(),
                "AGENTD_JAVA_OPTS", "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1"));
        Process server = pb.start();
        try {
            Installed.awaitReady(http, server, log, Duration.ofSeconds(120));
            Path token = data.resolve("bootstrap-token");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.exists(token) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            Installed.Run status = Installed.run(List.of(root.resolve("usr/bin/agentctl").toString(),
                    "--addr", "127.0.0.1:" + http, "--token-file", token.toString(), "cluster", "status"),
                    Map.of(), Duration.ofMinutes(1));
            assertThat(status.exitCode()).as(status.output() + Installed.tail(log)).isZero();
            assertThat(status.output()).contains("Leader:", "n1");
            server.destroy(); // SIGTERM
            assertThat(server.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(server.exitValue()).as(Installed.tail(log)).isZero();
        } finally {
            server.destroyForcibly();
        }
    }
}
