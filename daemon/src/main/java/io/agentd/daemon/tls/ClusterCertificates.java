package io.agentd.daemon.tls;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What {@code agentd tls init} writes: a CA, and certificates it signed for each server, for
 * workers and for clients, as PEM files (keys at mode 0600). ECDSA P-256 keys, SHA-256
 * signatures. A folder that already holds a CA ({@value #CA_CERT} and {@value #CA_KEY}) keeps it:
 * the other certificates are issued anew from it, which is how they are rotated.
 *
 * <ul>
 *   <li>server certificates: for TLS servers and clients (Raft peers connect to one another with
 *       them), naming the server's id, every host given, {@code localhost}, 127.0.0.1 and ::1</li>
 *   <li>{@code worker.pem}, {@code client.pem}: client certificates (CN worker, client)</li>
 * </ul>
 */
public final class ClusterCertificates {
    public static final String CA_CERT = "ca.pem";
    public static final String CA_KEY = "ca-key.pem";
    /** How long the CA is valid. */
    public static final Duration CA_VALIDITY = Duration.ofDays(3650);
    /** How long the server, worker and client certificates are valid. */
    public static final Duration CERT_VALIDITY = Duration.ofDays(365);
    /** Certificates start this long before they are made, for clocks a little behind. */
    private static final Duration BACKDATE = Duration.ofHours(1);
    private static final Pattern DNS_NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
            + "(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
    private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]+|.*:.*");

    private final SecureRandom random = new SecureRandom();
    private final Instant now;

    public ClusterCertificates(Instant now) {
        this.now = now;
    }

    /** What was written, for the operator. */
    public record Written(boolean caKept, List<Path> files) {
    }

    /**
     * Writes the CA (unless {@code dir} has one), then a certificate and key for each server id,
     * then for a worker and a client. Each file is written whole under a temporary name and then
     * renamed, so a server reloading on SIGHUP never reads half a file.
     *
     * @param servers server ids (file names {@code ID.pem}, {@code ID-key.pem})
     * @param hosts   names and addresses every server certificate is valid for, besides the built-in
     *                ones (localhost, 127.0.0.1, ::1)
     * @throws IllegalArgumentException for an id or host that cannot be used
     */
    public Written write(Path dir, List<String> servers, List<String> hosts) throws IOException {
        for (String s : servers) {
            if (!s.matches("[A-Za-z0-9._-]{1,64}") || s.equals("ca") || s.equals("worker") || s.equals("client")) {
                throw new IllegalArgumentException("server id '" + s + "': 1-64 of A-Z, a-z, 0-9, '.', '_', '-', "
                        + "not ca, worker or client");
            }
        }
        List<GeneralName> names = new ArrayList<>();
        for (String h : new LinkedHashSet<>(concat(hosts, List.of("localhost", "127.0.0.1", "::1")))) {
            names.add(generalName(h));
        }
        Files.createDirectories(dir);
        List<Path> written = new ArrayList<>();
        Path caCert = dir.resolve(CA_CERT);
        Path caKeyFile = dir.resolve(CA_KEY);
        boolean kept = Files.exists(caCert) && Files.exists(caKeyFile);
        X509Certificate ca;
        PrivateKey caKey;
        try {
            if (kept) {
                ca = PemFiles.certificates("ca", caCert).get(0);
                caKey = PemFiles.privateKey("ca", caKeyFile);
            } else {
                KeyPair pair = keyPair();
                X500Name name = new X500Name("CN=agentd CA " + Long.toHexString(random.nextLong() >>> 16) + ",O=agentd");
                JcaX509v3CertificateBuilder b = builder(name, name, pair, CA_VALIDITY);
                JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
                b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
                b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
                b.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(pair.getPublic()));
                ca = sign(b, pair.getPrivate());
                caKey = pair.getPrivate();
                written.add(writeFile(caKeyFile, PemFiles.pem(caKey), true));
                written.add(writeFile(caCert, PemFiles.pem(ca), false));
            }
            for (String s : servers) {
                List<GeneralName> serverNames = new ArrayList<>();
                if (DNS_NAME.matcher(s).matches()) {
                    serverNames.add(new GeneralName(GeneralName.dNSName, s));
                }
                serverNames.addAll(names);
                written.addAll(leaf(dir, s, "CN=" + s + ",OU=server,O=agentd", serverNames,
                        new KeyPurposeId[]{KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}, ca, caKey));
            }
            written.addAll(leaf(dir, "worker", "CN=worker,OU=worker,O=agentd", List.of(),
                    new KeyPurposeId[]{KeyPurposeId.id_kp_clientAuth}, ca, caKey));
            written.addAll(leaf(dir, "client", "CN=client,OU=client,O=agentd", List.of(),
                    new KeyPurposeId[]{KeyPurposeId.id_kp_clientAuth}, ca, caKey));
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot make certificates: " + e, e);
        }
        return new Written(kept, written);
    }

    private List<Path> leaf(Path dir, String file, String subject, List<GeneralName> sans, KeyPurposeId[] purposes,
                            X509Certificate ca, PrivateKey caKey)
            throws GeneralSecurityException, OperatorCreationException, IOException {
        KeyPair pair = keyPair();
        JcaX509v3CertificateBuilder b = builder(X500Name.getInstance(ca.getSubjectX500Principal().getEncoded()),
                new X500Name(subject), pair, CERT_VALIDITY);
        JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes));
        b.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(pair.getPublic()));
        b.addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(ca));
        if (!sans.isEmpty()) {
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(new GeneralName[0])));
        }
        X509Certificate cert = sign(b, caKey);
        // The key first: a server that reloads between the two renames sees a pair that does not
        // match and keeps its old one, rather than a new certificate with the old key.
        return List.of(writeFile(dir.resolve(file + "-key.pem"), PemFiles.pem(pair.getPrivate()), true),
                writeFile(dir.resolve(file + ".pem"), PemFiles.pem(cert), false));
    }

    private JcaX509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair pair, Duration validity) {
        return new JcaX509v3CertificateBuilder(issuer, new BigInteger(127, random).add(BigInteger.ONE),
                Date.from(now.minus(BACKDATE)), Date.from(now.plus(validity)), subject, pair.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key)
            throws OperatorCreationException, GeneralSecurityException {
        return new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
    }

    private KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), random);
        return g.generateKeyPair();
    }

    private static GeneralName generalName(String host) {
        if (IP_LITERAL.matcher(host).matches()) {
            try {
                return new GeneralName(GeneralName.iPAddress, InetAddress.getByName(host).getHostAddress());
            } catch (IOException e) {
                throw new IllegalArgumentException("host '" + host + "' is neither an IP address nor a DNS name");
            }
        }
        if (!DNS_NAME.matcher(host).matches() || host.length() > 253) {
            throw new IllegalArgumentException("host '" + host + "' is neither an IP address nor a DNS name");
        }
        return new GeneralName(GeneralName.dNSName, host);
    }

    /** Writes {@code text} to a temporary file with its final mode, then renames it over {@code file}. */
    private static Path writeFile(Path file, String text, boolean secret) throws IOException {
        Set<java.nio.file.attribute.PosixFilePermission> mode = PosixFilePermissions.fromString(secret ? "rw-------"
                : "rw-r--r--");
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(mode));
        } catch (UnsupportedOperationException e) {
            Files.createFile(tmp); // not a POSIX file system
        } catch (FileAlreadyExistsException e) {
            throw new IOException("cannot write " + tmp + ": it appeared meanwhile", e);
        }
        Files.writeString(tmp, text, StandardCharsets.US_ASCII);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return file;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
