package io.agentd.client;

import java.net.URI;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import javax.net.ssl.SSLException;

/** What went wrong in a TLS handshake, in words an operator can act on. */
final class TlsFailures {
  private TlsFailures() {}

  /** The SSLException in {@code e}'s causes, or null when it is not a TLS failure. */
  static SSLException find(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SSLException ssl) {
        return ssl;
      }
    }
    return null;
  }

  /** "TLS with ENDPOINT failed: why (detail)", naming the endpoint of {@code uri}. */
  static String describe(URI uri, SSLException e) {
    String endpoint = uri.getScheme() + "://" + uri.getRawAuthority();
    String detail = deepest(e);
    String why;
    if (has(e, CertificateExpiredException.class) || detail.contains("certificate_expired")) {
      why = "a certificate has expired";
    } else if (has(e, CertificateNotYetValidException.class)) {
      why = "a certificate is not valid yet (is a clock wrong?)";
    } else if (detail.contains("PKIX path") || detail.contains("unable to find valid certification path")
        || detail.contains("signature check failed") || detail.contains("Path does not chain")) {
      why = "the server's certificate is not signed by a CA this client trusts";
    } else if (detail.contains("No subject alternative") || detail.contains("No name matching")) {
      why = "the server's certificate does not name " + uri.getHost();
    } else if (detail.contains("certificate_required") || detail.contains("bad_certificate")
        || detail.contains("unknown_ca") || detail.contains("certificate_unknown")
        || detail.contains("handshake_failure")) {
      why = "the server refused this client's TLS handshake: it wants a client certificate that it trusts";
    } else if (detail.contains("Unsupported or unrecognized SSL message") || detail.contains("plaintext")) {
      why = "the server did not answer in TLS (does it serve plain http://?)";
    } else {
      why = "the TLS handshake failed";
    }
    return "TLS with " + endpoint + " failed: " + why + " (" + detail + ")";
  }

  private static boolean has(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  private static String deepest(Throwable e) {
    StringBuilder sb = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String m = t.getMessage();
      if (m != null && !m.isBlank() && sb.indexOf(m) < 0) {
        sb.append(sb.length() == 0 ? "" : ": ").append(m);
      }
    }
    return sb.length() == 0 ? e.getClass().getSimpleName() : sb.toString();
  }
}
