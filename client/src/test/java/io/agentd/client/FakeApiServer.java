package io.agentd.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A coordinator on a loopback port for the tests of the client and of agentctl (published in
 * client's test jar). It answers either from a {@link Script} (any logic), or like docs/api.md
 * from answers scripted per method and path ({@link #scripted()}, {@link #on}: the answers given
 * in turn, the last one repeats; anything not scripted gets {@code 404 NOT_FOUND} with the API's
 * error body). Records every request it gets.
 */
public final class FakeApiServer implements AutoCloseable {

  /** One request as received; {@code target} is the raw path and query. */
  public record Received(String method, String target, Map<String, List<String>> headers, String body) {
    public String header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0))
          .findFirst()
          .orElse(null);
    }

    public String path() {
      int query = target.indexOf('?');
      return query < 0 ? target : target.substring(0, query);
    }
  }

  /** What to answer, after {@code delayMillis}. */
  public record Answer(int status, String body, Map<String, String> headers, long delayMillis) {
    public Answer(int status, String body, Map<String, String> headers) {
      this(status, body, headers, 0);
    }

    public static Answer json(int status, String body) {
      return new Answer(status, body, Map.of("Content-Type", "application/json"));
    }

    /** A JSON answer with the revision header a coordinator's answers carry. */
    static Answer api(int status, String body) {
      return new Answer(status, body, Map.of("Content-Type", "application/json", "X-Agentd-Revision", "100"));
    }

    public static Answer error(int status, String code, String message) {
      return json(status, FakeApiServer.error(code, message));
    }

    Answer after(long millis) {
      return new Answer(status, body, headers, millis);
    }
  }

  @FunctionalInterface
  public interface Script {
    Answer answer(Received request) throws Exception;
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final Map<String, Deque<Answer>> answers = new ConcurrentHashMap<>();
  private final Script script;
  private volatile Answer fallback;

  private FakeApiServer(Script script) {
    this.script = script != null ? script : this::scriptedAnswer;
    try {
      this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  /** A server that answers every request with what {@code script} says. */
  public static FakeApiServer start(Script script) {
    return new FakeApiServer(script);
  }

  /** A server that answers from {@link #on} and {@link #otherwise}, 404 for the rest. */
  public static FakeApiServer scripted() {
    return new FakeApiServer(null);
  }

  /** Answers {@code method path} with {@code status} and the JSON {@code body}, after earlier answers. */
  public FakeApiServer on(String method, String path, int status, String body) {
    answers.computeIfAbsent(method + " " + path, key -> new ArrayDeque<>()).add(Answer.api(status, body));
    return this;
  }

  /** Answers every request that has no scripted answer, after {@code delayMillis}. */
  public FakeApiServer otherwise(int status, String body, long delayMillis) {
    fallback = Answer.api(status, body).after(delayMillis);
    return this;
  }

  /** Answers everything with the API's error body. */
  public FakeApiServer failEverything(int status, String code) {
    return otherwise(status, error(code, "scripted " + code), 0);
  }

  /** The API's error body. */
  public static String error(String code, String message) {
    return "{\"error\": {\"code\": \"" + code + "\", \"message\": \"" + message + "\"}}";
  }

  /** An address where nothing listens, as {@code --addr} takes it: a port that was free a moment ago. */
  public static String closedAddress() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return "127.0.0.1:" + socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@link #closedAddress()} as an endpoint URI. */
  public static URI closedEndpoint() {
    return URI.create("http://" + closedAddress());
  }

  public URI uri() {
    return URI.create(addr());
  }

  /** This server's address, as {@code --addr} takes it. */
  public String addr() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public List<Received> received() {
    return List.copyOf(received);
  }

  private Answer scriptedAnswer(Received request) {
    Deque<Answer> scripted = answers.get(request.method() + " " + request.path());
    if (scripted != null) {
      synchronized (scripted) {
        return scripted.size() > 1 ? scripted.poll() : scripted.peek();
      }
    }
    Answer otherwise = fallback;
    return otherwise != null ? otherwise
        : Answer.api(404, error("NOT_FOUND", request.method() + " " + request.path() + " does not exist"));
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      String query = exchange.getRequestURI().getRawQuery();
      Received request = new Received(exchange.getRequestMethod(),
          exchange.getRequestURI().getRawPath() + (query == null ? "" : "?" + query),
          Map.copyOf(exchange.getRequestHeaders()), body);
      received.add(request);
      Answer answer;
      try {
        answer = script.answer(request);
        if (answer.delayMillis() > 0) {
          Thread.sleep(answer.delayMillis());
        }
      } catch (InterruptedException e) {
        return;
      } catch (Exception e) {
        answer = Answer.error(500, "INTERNAL", e.toString());
      }
      answer.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
      byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
      exchange.getResponseBody().write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
