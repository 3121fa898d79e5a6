package io.agentd.jepsen.harness;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The certificates of a run: made by {@code agentd tls init} (the daemon jar itself) in the run
 * folder, for servers n1..nN reached at the hosts' addresses, so that the API, Raft and fast
 * failover run over TLS as in a real deployment. Clients of the run trust the CA through {@link #clientContext}.
 */
public final class ClusterTls {
    private final Path dir;

    private ClusterTls(Path dir) {
        this.dir = dir;
    }

    /** Runs {@code agentd tls init} from {@code jar} into {@code dir}; throws with its output when it fails. */
    public static ClusterTls init(Path jar, Path dir, int servers, List<String> hosts) throws IOException {
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= servers; i++) {
            ids.add("n" + i);
        }
        List<String> cmd = new ArrayList<>(NodeProcess.agentd(jar, List.of(), List.of("tls", "init", "--dir",
                dir.toString(), "--servers", String.join(",", ids))));
        if (!hosts.isEmpty()) {
            cmd.addAll(List.of("--hosts", String.join(",", hosts)));
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException("agentd tls init failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted during agentd tls init", e);
        }
        return new ClusterTls(dir);
    }

    public Path ca() {
        return dir.resolve("ca.pem");
    }

    /** {@code --tls-cert}, {@code --tls-key} and {@code --tls-ca} of server {@code id}. */
    public List<String> serverFlags(String id) {
        return List.of("--tls-cert", dir.resolve(id + ".pem").toString(), "--tls-key",
                dir.resolve(id + "-key.pem").toString(), "--tls-ca", ca().toString());
    }

    /** {@code --tls-ca}, {@code --tls-cert} and {@code --tls-key} of a worker. */
    public List<String> workerFlags() {
        return List.of("--tls-ca", ca().toString(), "--tls-cert", dir.resolve("worker.pem").toString(),
                "--tls-key", dir.resolve("worker-key.pem").toString());
    }

    /** A TLS context that trusts the run's CA (and nothing else). */
    public SSLContext clientContext() {
        try (InputStream in = Files.newInputStream(ca())) {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot trust " + ca() + ": " + e, e);
        }
    }
}
