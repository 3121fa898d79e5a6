package io.agentd.daemon.tls;

import io.agentd.client.ClientTls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClusterCertificatesTest {
    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

    @TempDir
    Path dir;

    @Test
    void writesACaAndCertificatesItSignedWithKeysOnlyTheOwnerReads() throws Exception {
        ClusterCertificates.Written w = new ClusterCertificates(NOW).write(dir, List.of("n1", "n2"),
                List.of("10.0.0.1", "db-1.example"));
        assertThat(w.caKept()).isFalse();
        assertThat(dir.resolve("ca.pem")).exists();
        for (String name : List.of("ca", "n1", "n2", "worker", "client")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(name + "-key.pem"))))
                    .as(name).isEqualTo("rw-------");
        }
        X509Certificate ca = PemFiles.certificates("ca", dir.resolve("ca.pem")).get(0);
        assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThat(Duration.between(ca.getNotBefore().toInstant(), ca.getNotAfter().toInstant()))
                .isGreaterThan(ClusterCertificates.CA_VALIDITY);

        X509Certificate n1 = PemFiles.certificates("tls-cert", dir.resolve("n1.pem")).get(0);
        n1.verify(ca.getPublicKey());
        assertThat(n1.getBasicConstraints()).isEqualTo(-1);
        assertThat(n1.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
        assertThat(n1.getSubjectAlternativeNames().stream().map(san -> String.valueOf(san.get(1))).toList())
                .contains("n1", "10.0.0.1", "db-1.example", "localhost", "127.0.0.1");
        assertThat(n1.getNotAfter().toInstant()).isEqualTo(NOW.plus(ClusterCertificates.CERT_VALIDITY));

        X509Certificate client = PemFiles.certificates("c", dir.resolve("client.pem")).get(0);
        client.verify(ca.getPublicKey());
        assertThat(client.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
        // What the servers and the JDK-only client read alike.
        ServerTlsFiles.read(new ServerTlsFiles.Paths(dir.resolve("n1.pem"), dir.resolve("n1-key.pem"),
                dir.resolve("ca.pem"), dir.resolve("ca.pem")));
        ClientTls.sslContext(dir.resolve("ca.pem"), dir.resolve("worker.pem"), dir.resolve("worker-key.pem"));
    }

    @Test
    void aSecondRunKeepsTheCaAndIssuesNewCertificates() throws Exception {
        new ClusterCertificates(NOW).write(dir, List.of("n1"), List.of());
        String ca = Files.readString(dir.resolve("ca.pem"));
        String n1 = Files.readString(dir.resolve("n1.pem"));
        ClusterCertificates.Written again = new ClusterCertificates(NOW.plusSeconds(60)).write(dir, List.of("n1"),
                List.of());
        assertThat(again.caKept()).isTrue();
        assertThat(again.files()).doesNotContain(dir.resolve("ca.pem"), dir.resolve("ca-key.pem"));
        assertThat(Files.readString(dir.resolve("ca.pem"))).isEqualTo(ca);
        assertThat(Files.readString(dir.resolve("n1.pem"))).isNotEqualTo(n1);
        PemFiles.certificates("n1", dir.resolve("n1.pem")).get(0)
                .verify(PemFiles.certificates("ca", dir.resolve("ca.pem")).get(0).getPublicKey());
    }

    @Test
    void idsAndHostsThatCannotBeNamedAreRefused() {
        assertThatThrownBy(() -> new ClusterCertificates(NOW).write(dir, List.of("ca"), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("server id 'ca'");
        assertThatThrownBy(() -> new ClusterCertificates(NOW).write(dir, List.of("n1"), List.of("bad host")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'bad host'");
    }

    @Test
    void aKeyOfAnotherCertificateIsRefusedAndAReloadOfItChangesNothing() throws Exception {
        new ClusterCertificates(NOW).write(dir, List.of("n1", "n2"), List.of());
        ServerTlsFiles.Paths paths = new ServerTlsFiles.Paths(dir.resolve("n1.pem"), dir.resolve("n1-key.pem"),
                dir.resolve("ca.pem"), null);
        ServerTls tls = ServerTls.load(paths);
        X509Certificate before = tls.keyManager().getCertificateChain("server")[0];

        Files.copy(dir.resolve("n2-key.pem"), dir.resolve("n1-key.pem"), StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(tls::reload).isInstanceOf(TlsFileException.class)
                .hasMessageContaining("tls-key").hasMessageContaining("is not the key of the certificate");
        assertThat(tls.keyManager().getCertificateChain("server")[0]).isEqualTo(before);

        new ClusterCertificates(NOW).write(dir, List.of("n1"), List.of());
        ServerTlsFiles reloaded = tls.reload();
        assertThat(tls.keyManager().getCertificateChain("server")[0]).isEqualTo(reloaded.certificate())
                .isNotEqualTo(before);
    }
}
