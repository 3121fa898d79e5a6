package io.agentd.client;

import io.agentd.client.HttpTransport.TransportException.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocketFactory;

/**
 * {@link HttpURLConnection}: a small fraction of the JDK HTTP client's start-up cost for the
 * first call in a fresh JVM (docs/benchmarks.md, "Measurements behind choices in the code"), so
 * it suits short-lived processes such as {@code agentctl}. Blocking, one connection per exchange in flight,
 * keep-alive through the JDK's connection cache.
 *
 * <p>The timeout bounds each read of the answer rather than the whole exchange; the API's
 * answers are small, so the difference is one round of reading. The connection is opened
 * before anything is written, so a failure to connect is known to have sent nothing.
 */
final class UrlConnectionTransport implements HttpTransport {
  private final int connectTimeoutMillis;
  /** One factory for every connection: the JDK keeps connections alive per factory. */
  private final SSLSocketFactory tls;

  /** @param tls the TLS context for https endpoints, or null for the JDK's default */
  UrlConnectionTransport(Duration connectTimeout, SSLContext tls) {
    this.connectTimeoutMillis = millis(connectTimeout);
    this.tls = tls == null ? null : tls.getSocketFactory();
  }

  @Override
  public Response exchange(String method, URI uri, Map<String, String> headers, byte[] body, Duration timeout)
      throws TransportException, InterruptedException {
    HttpURLConnection c;
    try {
      c = (HttpURLConnection) uri.toURL().openConnection();
      if (tls != null && c instanceof HttpsURLConnection https) {
        https.setSSLSocketFactory(tls);
      }
      c.setInstanceFollowRedirects(false);
      c.setUseCaches(false);
      c.setConnectTimeout(connectTimeoutMillis);
      c.setReadTimeout(millis(timeout));
      c.setRequestMethod(method);
      headers.forEach(c::setRequestProperty);
      if (body != null) {
        // Buffered, not streamed: in streaming mode a 401 that asks for authentication throws
        // away the answer's body (HttpRetryException), and with it the API's error message.
        // Buffered, the JDK may send a write again once on a fresh connection when a kept-alive
        // one turns out dead; writes carry an Idempotency-Key, so that applies once.
        c.setDoOutput(true);
      }
      c.connect();
    } catch (IOException e) {
      throw failure(Kind.NOT_SENT, uri, e);
    }
    try {
      if (body != null) {
        try (OutputStream out = c.getOutputStream()) {
          out.write(body);
        }
      }
      int status = c.getResponseCode();
      Map<String, String> answerHeaders = new TreeMap<>();
      for (Map.Entry<String, List<String>> h : c.getHeaderFields().entrySet()) {
        if (h.getKey() != null && !h.getValue().isEmpty()) {
          // getHeaderFields lists repeated headers last first; the first one sent is the last here.
          answerHeaders.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue().get(h.getValue().size() - 1));
        }
      }
      InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
      byte[] bytes;
      if (in == null) {
        bytes = new byte[0];
      } else {
        try (in) {
          bytes = in.readAllBytes();
        }
      }
      if (Thread.interrupted()) {
        throw new InterruptedException("interrupted during " + method + " " + uri);
      }
      return new Response(status, answerHeaders, bytes);
    } catch (SocketTimeoutException e) {
      c.disconnect();
      throw new TransportException(Kind.TIMEOUT, "HttpTimeoutException: request timed out", e);
    } catch (IOException e) {
      c.disconnect();
      throw failure(Kind.BROKEN, uri, e);
    }
  }

  /**
   * A failure of {@code kind}, or of kind TLS when the handshake failed. With TLS 1.3 a server
   * checks a client's certificate after the client has finished its part, so a refusal may come
   * only with the first read of the answer; the server has acted on nothing then either.
   */
  private static TransportException failure(Kind kind, URI uri, IOException e) {
    SSLException tls = TlsFailures.find(e);
    return tls != null ? new TransportException(Kind.TLS, TlsFailures.describe(uri, tls), e)
        : new TransportException(kind, JdkHttpTransport.describe(e), e);
  }

  private static int millis(Duration d) {
    long ms = Math.max(1, d.toMillis());
    return ms > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) ms;
  }
}
