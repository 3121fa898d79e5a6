package io.agentd.daemon;

import io.agentd.daemon.tls.ClusterCertificates;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code agentd tls init}: a CA and the certificates of a cluster, written as PEM files, so that
 * TLS takes a minute to turn on. Run again on the same folder, it keeps the CA and issues new
 * certificates (rotation; then SIGHUP the servers).
 */
@Command(name = "init", mixinStandardHelpOptions = true,
        description = {"Write a CA and, signed by it, a certificate for each server, one for workers and one for "
                + "clients (PEM; keys at mode 0600). A folder that already holds ca.pem and ca-key.pem keeps that "
                + "CA and gets new certificates from it.",
                "The CA is valid for 10 years, the other certificates for 1 year."})
final class TlsInitCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "where the files go (made if missing)")
    Path dir;

    @Option(names = "--servers", required = true, split = ",", paramLabel = "ID,...",
            description = "the servers' node ids: ID.pem and ID-key.pem for each")
    List<String> servers;

    @Option(names = "--hosts", split = ",", paramLabel = "HOST,...",
            description = "host names and IP addresses the servers are reached at; every server certificate names "
                    + "them all, besides its id, localhost, 127.0.0.1 and ::1")
    List<String> hosts = List.of();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ClusterCertificates.Written w;
        try {
            w = new ClusterCertificates(Instant.now()).write(dir, servers, hosts);
        } catch (IllegalArgumentException e) {
            err.println("agentd: tls init: " + e.getMessage());
            return 2;
        } catch (IOException | RuntimeException e) {
            err.println("agentd: tls init: cannot write the certificates in " + dir + ": " + e.getMessage());
            return 1;
        }
        out.println((w.caKept() ? "kept the CA in " : "made a CA in ") + dir.toAbsolutePath() + "; wrote:");
        w.files().forEach(f -> out.println("  " + f));
        out.println("servers: --tls-cert " + dir.resolve("ID.pem") + " --tls-key " + dir.resolve("ID-key.pem")
                + " --tls-ca " + dir.resolve(ClusterCertificates.CA_CERT));
        out.println("agentctl: --cacert " + dir.resolve(ClusterCertificates.CA_CERT) + " (with mutual TLS also --cert "
                + dir.resolve("client.pem") + " --key " + dir.resolve("client-key.pem") + ")");
        out.flush();
        return 0;
    }
}
