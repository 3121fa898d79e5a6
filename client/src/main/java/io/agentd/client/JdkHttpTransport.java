package io.agentd.client;

import io.agentd.client.HttpTransport.TransportException.Kind;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/**
 * The JDK's {@link HttpClient}: pooled keep-alive connections, suited to long-lived processes
 * that send many calls from many threads (workers, benchmarks). Its first call in a process
 * loads and sets up much (TLS included, even for http://), which short-lived processes feel.
 */
final class JdkHttpTransport implements HttpTransport {
  private final HttpClient http;

  /** @param tls the TLS context for https endpoints, or null for the JDK's default */
  JdkHttpTransport(Duration connectTimeout, SSLContext tls) {
    HttpClient.Builder b = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(connectTimeout)
        .followRedirects(HttpClient.Redirect.NEVER);
    if (tls != null) {
      b.sslContext(tls);
    }
    this.http = b.build();
  }

  @Override
  public Response exchange(String method, URI uri, Map<String, String> headers, byte[] body, Duration timeout)
      throws TransportException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout);
    headers.forEach(request::header);
    request.method(method, body == null
        ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofByteArray(body));
    HttpResponse<byte[]> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      SSLException tls = TlsFailures.find(e);
      if (tls != null) {
        throw new TransportException(Kind.TLS, TlsFailures.describe(uri, tls), e);
      }
      throw new TransportException(kind(e), describe(e), e);
    }
    Map<String, String> answerHeaders = new TreeMap<>();
    response.headers().map().forEach((name, values) -> {
      if (!values.isEmpty()) {
        answerHeaders.put(name.toLowerCase(Locale.ROOT), values.get(0));
      }
    });
    byte[] bytes = response.body();
    return new Response(response.statusCode(), answerHeaders, bytes == null ? new byte[0] : bytes);
  }

  private static Kind kind(IOException e) {
    if (e instanceof ConnectException || e instanceof HttpConnectTimeoutException
        || e instanceof NoRouteToHostException || e instanceof UnknownHostException) {
      return Kind.NOT_SENT;
    }
    return e instanceof HttpTimeoutException ? Kind.TIMEOUT : Kind.BROKEN;
  }

  static String describe(IOException e) {
    String message = e.getMessage();
    if (e instanceof ConnectException && (message == null || message.isBlank())) {
      return "connection refused";
    }
    String type = e.getClass().getSimpleName();
    return message == null || message.isBlank() ? type : type + ": " + message;
  }
}
