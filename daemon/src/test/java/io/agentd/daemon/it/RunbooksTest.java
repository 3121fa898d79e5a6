package io.agentd.daemon.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/runbooks, run as written: the runbooks in the order their README lists them, their
 * {@code sh} blocks joined into one bash script under {@code set -euo pipefail}, with
 * {@code agentd} and {@code agentctl} on the PATH (this build), data under a temporary
 * {@code BASE} and loopback ports from a free {@code PORT_BASE}. Every process the script starts
 * is in its own process group, killed at the end.
 */
class RunbooksTest {
    private static final Path RUNBOOKS = Path.of("..", "docs", "runbooks");
    private static final Pattern LISTED = Pattern.compile("^\\d+\\. \\[[^]]+]\\(([^)]+\\.md)\\)", Pattern.MULTILINE);
    private static final Pattern SH = Pattern.compile("```sh\\n(.*?)```", Pattern.DOTALL);

    @TempDir
    Path dir;

    @Test
    void everyRunbookRunsAsWritten() throws Exception {
        String readme = Files.readString(RUNBOOKS.resolve("README.md"));
        List<String> files = new ArrayList<>();
        Matcher m = LISTED.matcher(readme);
        while (m.find()) {
            files.add(m.group(1));
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(8);
        StringBuilder script = new StringBuilder("set -euo pipefail\nset -x\n");
        for (String f : files) {
            String text = Files.readString(RUNBOOKS.resolve(f));
            Matcher sh = SH.matcher(text);
            int blocks = 0;
            script.append("\n# ===== ").append(f).append(" =====\n");
            while (sh.find()) {
                script.append(sh.group(1));
                blocks++;
            }
            assertThat(blocks).as(f + " has shell blocks").isPositive();
        }
        Path bin = Files.createDirectories(dir.resolve("bin"));
        wrapper(bin.resolve("agentd"), "io.agentd.daemon.Agentd", "256m");
        wrapper(bin.resolve("agentctl"), "io.agentd.cli.Agentctl", "96m");
        Path scriptFile = dir.resolve("runbooks.sh");
        Files.writeString(scriptFile, script);

        ProcessBuilder pb = new ProcessBuilder("setsid", "bash", scriptFile.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("runbooks.log").toFile());
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        pb.environment().put("BASE", dir.resolve("base").toString());
        pb.environment().put("PORT_BASE", Integer.toString(freePortBase()));
        pb.environment().remove("AGENTCTL_ADDR");
        Process p = pb.start();
        boolean done = p.waitFor(10, TimeUnit.MINUTES);
        // Everything the runbooks started shares the script's process group.
        new ProcessBuilder("kill", "-9", "--", "-" + p.pid()).start().waitFor(10, TimeUnit.SECONDS);
        String log = ChildJvm.tail(dir.resolve("runbooks.log"));
        assertThat(done).as("the runbooks did not finish in 10 minutes:\n" + log).isTrue();
        assertThat(p.exitValue()).as(log + serverLogs()).isZero();
        String all = Files.readString(dir.resolve("runbooks.log"));
        assertThat(all).as("what each runbook says it did")
                .contains("added n4 as a learner")
                .contains("removed n2")
                .contains("saved revision")
                .contains("restored revision")
                .contains("n1 is now a one-member cluster")
                .contains("healthy");
        // The metadata written before the backup, read after the restore and again after the recovery.
        assertThat(all.lines().filter(l -> l.matches("owner\\s+ops\\b.*")).count()).as(all).isGreaterThanOrEqualTo(2);
        assertThat(serverLogs()).contains("TLS files reloaded");
    }

    private String serverLogs() throws IOException {
        StringBuilder b = new StringBuilder();
        try (var files = Files.walk(dir.resolve("base"), 2)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".log")).toList()) {
                b.append("\n===== ").append(f.getFileName()).append(" =====\n").append(ChildJvm.tail(f));
            }
        }
        return b.toString();
    }

    /** A launcher script: this build's classes, a small heap, the arguments as given. */
    private static void wrapper(Path file, String mainClass, String heap) throws IOException {
        List<String> cmd = ChildJvm.agentd(heap);
        cmd.set(cmd.size() - 1, mainClass);
        StringBuilder b = new StringBuilder("#!/bin/sh\nexec");
        for (String c : cmd) {
            b.append(" '").append(c.replace("'", "'\\''")).append('\'');
        }
        b.append(" \"$@\"\n");
        Files.writeString(file, b.toString(), StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** A base port whose runbook ports (base+10 … base+160) are all free now. */
    private static int freePortBase() {
        for (int attempt = 0; attempt < 200; attempt++) {
            int base = 20_000 + 200 * (int) (Math.random() * 200);
            if (allFree(base)) {
                return base;
            }
        }
        throw new AssertionError("no free range of ports for the runbooks");
    }

    private static boolean allFree(int base) {
        for (int port = base + 10; port <= base + 160; port++) {
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress("127.0.0.1", port));
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }
}
