package io.agentd.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS of a client, from PEM files: the CA certificates it trusts (instead of the JDK's
 * default ones), and its own certificate and key for servers that ask for one (mutual TLS). Keys
 * are read unencrypted, as PKCS#8 ({@code BEGIN PRIVATE KEY}, what {@code agentd tls init} writes)
 * or PKCS#1 RSA ({@code BEGIN RSA PRIVATE KEY}); others can be converted with
 * {@code openssl pkcs8 -topk8 -nocrypt}. Uses the JDK only. Stateless.
 */
public final class ClientTls {
  private static final Pattern PEM_KEY = Pattern.compile(
      "-----BEGIN ((?:RSA |EC |ENCRYPTED )?PRIVATE KEY)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");
  private static final char[] NO_PASSWORD = new char[0];

  private ClientTls() {}

  /**
   * A TLS context that trusts the certificates in {@code caFile} (the JDK's default CAs when it is
   * null) and shows the certificate in {@code certFile} with the key in {@code keyFile} when a server
   * asks for one (neither when both are null).
   *
   * @throws IllegalArgumentException naming the file that cannot be used
   */
  public static SSLContext sslContext(Path caFile, Path certFile, Path keyFile) {
    if ((certFile == null) != (keyFile == null)) {
      throw new IllegalArgumentException("a client certificate needs both its certificate and its key file");
    }
    try {
      TrustManagerFactory tmf = null;
      if (caFile != null) {
        KeyStore trust = emptyStore();
        int i = 0;
        for (Certificate c : certificates(caFile)) {
          trust.setCertificateEntry("ca-" + i++, c);
        }
        tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
      }
      KeyManagerFactory kmf = null;
      if (certFile != null) {
        List<Certificate> chain = certificates(certFile);
        KeyStore own = emptyStore();
        own.setKeyEntry("client", privateKey(keyFile), NO_PASSWORD, chain.toArray(new Certificate[0]));
        kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(own, NO_PASSWORD);
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot set up TLS from " + caFile + ", " + certFile + ", " + keyFile
          + ": " + e.getMessage(), e);
    }
  }

  /** Every certificate in a PEM file; at least one. */
  static List<Certificate> certificates(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      List<Certificate> out = new ArrayList<>(CertificateFactory.getInstance("X.509").generateCertificates(in));
      if (out.isEmpty()) {
        throw new IllegalArgumentException(file + ": holds no PEM certificate");
      }
      return out;
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": cannot read: " + e.getMessage(), e);
    } catch (CertificateException e) {
      throw new IllegalArgumentException(file + ": holds no readable PEM certificate: " + e.getMessage(), e);
    }
  }

  /** The private key in a PEM file. */
  static PrivateKey privateKey(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": cannot read: " + e.getMessage(), e);
    }
    Matcher m = PEM_KEY.matcher(text);
    if (!m.find()) {
      throw new IllegalArgumentException(file + ": holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
    }
    byte[] der = Base64.getMimeDecoder().decode(m.group(2));
    byte[] pkcs8 = switch (m.group(1)) {
      case "PRIVATE KEY" -> der;
      case "RSA PRIVATE KEY" -> rsaPkcs8(der);
      case "ENCRYPTED PRIVATE KEY" -> throw new IllegalArgumentException(file
          + ": the key is encrypted: give an unencrypted one (keep it at mode 0600)");
      default -> throw new IllegalArgumentException(file + ": a " + m.group(1) + " is read as PKCS#8 only:"
          + " convert it with openssl pkcs8 -topk8 -nocrypt");
    };
    for (String algorithm : List.of("EC", "RSA", "Ed25519", "Ed448", "RSASSA-PSS")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
      } catch (GeneralSecurityException e) {
        // not this algorithm: try the next
      }
    }
    throw new IllegalArgumentException(file + ": a private key of an algorithm this JDK cannot read");
  }

  /** A PKCS#1 RSA key wrapped as PKCS#8: SEQUENCE { 0, { rsaEncryption, NULL }, OCTET STRING key }. */
  private static byte[] rsaPkcs8(byte[] pkcs1) {
    byte[] algorithm = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01,
        0x01, 0x05, 0x00};
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(new byte[] {0x02, 0x01, 0x00});
    body.writeBytes(algorithm);
    body.write(0x04);
    body.writeBytes(derLength(pkcs1.length));
    body.writeBytes(pkcs1);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x30);
    out.writeBytes(derLength(body.size()));
    out.writeBytes(body.toByteArray());
    return out.toByteArray();
  }

  private static byte[] derLength(int n) {
    if (n < 0x80) {
      return new byte[] {(byte) n};
    }
    if (n < 0x100) {
      return new byte[] {(byte) 0x81, (byte) n};
    }
    if (n < 0x10000) {
      return new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n};
    }
    return new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
  }

  private static KeyStore emptyStore() throws GeneralSecurityException {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try {
      ks.load(null, null);
    } catch (IOException e) {
      throw new GeneralSecurityException(e);
    }
    return ks;
  }
}
