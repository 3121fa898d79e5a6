package io.agentd.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The .deb installed on this machine with apt-get (which brings its Java runtime if missing),
 * checked, run and purged. It changes the machine (a package, a system user), so it runs only
 * where AGENTD_DEB_INSTALL_TEST=1 says the machine is there for it, as root: .ci/run sets it on
 * CI's fresh machine. Elsewhere it is skipped, saying so.
 */
class DebInstallIT {
    /** lintian's warnings the package is known to have, each justified in docs/operations.md. */
    static final Set<String> KNOWN_WARNINGS = Set.of(
            "classpath-contains-relative-path", "unknown-java-class-version");

    private static Installed.Run sh(String... command) throws Exception {
        return Installed.run(List.of(command), Map.of("DEBIAN_FRONTEND", "noninteractive"), Duration.ofMinutes(10));
    }

    @Test
    void theDebInstallsRunsAServerAsItsUserAndPurgesClean() throws Exception {
        assumeTrue("1".equals(System.getenv("AGENTD_DEB_INSTALL_TEST")),
                "installs a package on this machine: set AGENTD_DEB_INSTALL_TEST=1 (as root) to run it");
        Path deb;
        try (var list = Files.list(Path.of(System.getProperty("agentd.target")))) {
            deb = list.filter(p -> p.getFileName().toString().endsWith("_all.deb")).findFirst().orElseThrow();
        }
        Installed.Run lintian = sh("lintian", "--no-tag-display-limit", deb.toString());
        List<String> findings = lintian.output().lines().filter(l -> l.matches("^[EW]: .*")).toList();
        assertThat(findings).as("lintian: errors").noneMatch(l -> l.startsWith("E:"));
        List<String> unknown = new ArrayList<>();
        for (String w : findings) {
            String tag = w.replaceFirst("^W: agentd: ", "").split(" ")[0];
            if (!KNOWN_WARNINGS.contains(tag)) {
                unknown.add(w);
            }
        }
        assertThat(unknown).as("lintian warnings not known and justified").isEmpty();

        Installed.Run install = sh("apt-get", "install", "-y", "-q", "--no-install-recommends", deb.toAbsolutePath().toString());
        assertThat(install.exitCode()).as(install.output()).isZero();
        try {
            Installed.Run version = sh("/usr/bin/agentctl", "--version");
            assertThat(version.exitCode()).as(version.output()).isZero();
            assertThat(version.output()).startsWith("agentctl 0.");
            assertThat(Path.of("/var/cache/agentd/agentctl.jsa")).as("postinst recorded agentctl's archive").exists();
            assertThat(sh("id", "-u", "agentd").exitCode()).isZero();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(Path.of("/var/lib/agentd"))))
                    .isEqualTo("rwxr-x---");
            assertThat(Files.getOwner(Path.of("/var/lib/agentd")).getName()).isEqualTo("agentd");
            assertThat(sh("man", "-w", "agentctl").exitCode()).isZero();

            Installed.Run verify = sh("systemd-analyze", "verify", "/lib/systemd/system/agentd-server.service",
                    "/lib/systemd/system/agentd-worker.service");
            assertThat(verify.output()).as("systemd-analyze verify prints nothing").isEmpty();
            assertThat(verify.exitCode()).isZero();

            int http = Installed.freePort();
            Path log = Files.createTempFile("agentd-deb-server", ".log");
            // As the service would run it: user agentd, the shipped config, data in /var/lib/agentd.
            ProcessBuilder pb = new ProcessBuilder("setpriv", "--reuid=agentd", "--regid=agentd", "--init-groups",
                    "/usr/bin/agentd", "server", "--config", "/etc/agentd/agentd.yaml",
                    "--http-addr", "127.0.0.1:" + http, "--raft-addr", "127.0.0.1:" + Installed.freePort())
                    .directory(Path.of("/var/lib/agentd").toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("AGENTD_JAVA_OPTS", "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1");
            Process server = pb.start();
            try {
                Installed.awaitReady(http, server, log, Duration.ofSeconds(120));
                assertThat(Path.of("/var/lib/agentd/server")).isDirectory();
                server.destroy();
                assertThat(server.waitFor(60, TimeUnit.SECONDS)).isTrue();
                assertThat(server.exitValue()).as(Installed.tail(log)).isZero();
            } finally {
                server.destroyForcibly();
            }
        } finally {
            Installed.Run purge = sh("dpkg", "--purge", "agentd");
            assertThat(purge.exitCode()).as(purge.output()).isZero();
        }
        assertThat(Path.of("/var/lib/agentd")).doesNotExist();
        assertThat(Path.of("/usr/bin/agentctl")).doesNotExist();
        assertThat(sh("id", "-u", "agentd").exitCode()).as("the system user is gone").isNotZero();
    }

}
