package io.agentd.daemon.tls;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * A server's TLS files, read: its certificate chain and key, the CA its peers' certificates must
 * chain to, and the CA of API clients' certificates (empty: the API asks for none). Checked on
 * reading: the key must belong to the first certificate.
 *
 * @param chain    this server's certificate first, then any intermediates
 * @param key      the private key of {@code chain.get(0)}
 * @param peerCa   the CA certificates Raft peers and fast-failover links check one another with
 * @param clientCa the CA certificates of API clients' certificates; empty when none is asked for
 */
public record ServerTlsFiles(List<X509Certificate> chain, PrivateKey key, List<X509Certificate> peerCa,
                             List<X509Certificate> clientCa) {
    /** Where the files are; {@code clientCa} may be null. */
    public record Paths(Path cert, Path key, Path ca, Path clientCa) {
    }

    public ServerTlsFiles {
        chain = List.copyOf(chain);
        peerCa = List.copyOf(peerCa);
        clientCa = List.copyOf(clientCa);
    }

    /** Reads and checks the files; throws {@link TlsFileException} naming the setting and file at fault. */
    public static ServerTlsFiles read(Paths p) {
        List<X509Certificate> chain = PemFiles.certificates("tls-cert", p.cert());
        PrivateKey key = PemFiles.privateKey("tls-key", p.key());
        if (!matches(key, chain.get(0))) {
            throw new TlsFileException("tls-key", p.key(), "is not the key of the certificate in " + p.cert()
                    + " (" + chain.get(0).getSubjectX500Principal().getName() + ")");
        }
        List<X509Certificate> ca = PemFiles.certificates("tls-ca", p.ca());
        List<X509Certificate> clientCa = p.clientCa() == null ? List.of()
                : PemFiles.certificates("tls-client-ca", p.clientCa());
        return new ServerTlsFiles(chain, key, ca, clientCa);
    }

    /** Whether {@code key} signs what the certificate's public key verifies. */
    static boolean matches(PrivateKey key, X509Certificate cert) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC", "ECDSA" -> "SHA256withECDSA";
            case "Ed25519" -> "Ed25519";
            case "Ed448" -> "Ed448";
            default -> null;
        };
        if (algorithm == null) {
            return key.getAlgorithm().equals(cert.getPublicKey().getAlgorithm());
        }
        try {
            byte[] probe = "agentd tls key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance(algorithm);
            s.initSign(key);
            s.update(probe);
            byte[] signature = s.sign();
            Signature v = Signature.getInstance(algorithm);
            v.initVerify(cert.getPublicKey());
            v.update(probe);
            return v.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** The server's own certificate. */
    public X509Certificate certificate() {
        return chain.get(0);
    }

    /** A line for the log: subject, serial, validity. */
    public String describe() {
        X509Certificate c = certificate();
        return c.getSubjectX500Principal().getName() + " (serial " + c.getSerialNumber().toString(16) + ", valid until "
                + c.getNotAfter().toInstant() + ")";
    }
}
