package io.agentd.daemon.tls;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and writes the PEM files of TLS: certificates (one or a chain) and unencrypted private keys
 * in any of the forms OpenSSL writes (PKCS#8 {@code PRIVATE KEY}, PKCS#1 {@code RSA PRIVATE KEY},
 * SEC1 {@code EC PRIVATE KEY}). Failures are {@link TlsFileException}s naming the file and what is
 * wrong with it. Stateless.
 */
public final class PemFiles {
    private PemFiles() {
    }

    /** Every certificate in {@code file}, in order; at least one. Errors name {@code key}, the setting. */
    public static List<X509Certificate> certificates(String key, Path file) {
        List<X509Certificate> out = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser p = new PEMParser(r)) {
            for (Object o = p.readObject(); o != null; o = p.readObject()) {
                if (o instanceof X509CertificateHolder h) {
                    out.add(converter.getCertificate(h));
                }
            }
        } catch (IOException | CertificateException e) {
            throw new TlsFileException(key, file, "cannot read certificates: " + e.getMessage());
        }
        if (out.isEmpty()) {
            throw new TlsFileException(key, file, "holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        return List.copyOf(out);
    }

    /** The one private key in {@code file}. Errors name {@code key}, the setting. */
    public static PrivateKey privateKey(String key, Path file) {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser p = new PEMParser(r)) {
            for (Object o = p.readObject(); o != null; o = p.readObject()) {
                if (o instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (o instanceof PEMKeyPair pair) {
                    return converter.getKeyPair(pair).getPrivate();
                }
                if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
                    throw new TlsFileException(key, file, "holds an encrypted private key: agentd reads unencrypted keys"
                            + " only (keep the file at mode 0600)");
                }
            }
        } catch (IOException e) {
            throw new TlsFileException(key, file, "cannot read a private key: " + e.getMessage());
        }
        throw new TlsFileException(key, file, "holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
    }

    /** PEM text of certificates or a private key (PKCS#8 for keys), as {@code tls init} writes them. */
    static String pem(Object... objects) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            for (Object o : objects) {
                if (o instanceof PrivateKey k) {
                    w.writeObject(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(k, null));
                } else {
                    w.writeObject(o);
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toString();
    }
}
