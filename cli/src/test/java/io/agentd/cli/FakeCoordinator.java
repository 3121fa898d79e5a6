package io.agentd.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
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
 * A coordinator on a loopback port that answers like docs/api.md from scripted answers:
 * per method and path, the answers given in turn (the last one repeats); anything not
 * scripted gets {@code 404 NOT_FOUND} with the API's error body. Records every request.
 */
final class FakeCoordinator implements AutoCloseable {

  /** One request as received; {@code target} is the raw path and query. */
  record Received(String method, String target, Map<String, List<String>> headers, String body) {
    String header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0))
          .findFirst()
          .orElse(null);
    }

    String path() {
      int query = target.indexOf('?');
      return query < 0 ? target : target.substring(0, query);
    }
  }

  record Answer(int status, String body, long delayMillis) {}

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final Map<String, Deque<Answer>> answers = new ConcurrentHashMap<>();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private volatile Answer fallback;

  FakeCoordinator() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  /** Answers {@code method path} with {@code status} and the JSON {@code body}, after earlier answers. */
  FakeCoordinator on(String method, String path, int status, String body) {
    answers.computeIfAbsent(method + " " + path, key -> new ArrayDeque<>()).add(new Answer(status, body, 0));
    return this;
  }

  /** Answers every request that has no scripted answer. */
  FakeCoordinator otherwise(int status, String body, long delayMillis) {
    fallback = new Answer(status, body, delayMillis);
    return this;
  }

  /** Answers everything with the API's error body. */
  FakeCoordinator failEverything(int status, String code) {
    return otherwise(status, error(code, "scripted " + code), 0);
  }

  static String error(String code, String message) {
    return "{\"error\": {\"code\": \"" + code + "\", \"message\": \"" + message + "\"}}";
  }

  /** An endpoint where nothing listens: a port that was free a moment ago. */
  static String closedEndpoint() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return "127.0.0.1:" + socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** This coordinator's address, as {@code --addr} takes it. */
  String addr() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  List<Received> received() {
    return List.copyOf(received);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      String query = exchange.getRequestURI().getRawQuery();
      Received request = new Received(exchange.getRequestMethod(),
          exchange.getRequestURI().getRawPath() + (query == null ? "" : "?" + query),
          Map.copyOf(exchange.getRequestHeaders()), body);
      received.add(request);
      Answer answer = next(request);
      if (answer.delayMillis() > 0) {
        try {
          Thread.sleep(answer.delayMillis());
        } catch (InterruptedException e) {
          return;
        }
      }
      byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.getResponseHeaders().add("X-Agentd-Revision", "100");
      exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
      exchange.getResponseBody().write(bytes);
    }
  }

  private Answer next(Received request) {
    Deque<Answer> scripted = answers.get(request.method() + " " + request.path());
    if (scripted != null) {
      synchronized (scripted) {
        return scripted.size() > 1 ? scripted.poll() : scripted.peek();
      }
    }
    Answer otherwise = fallback;
    return otherwise != null ? otherwise
        : new Answer(404, error("NOT_FOUND", request.method() + " " + request.path() + " does not exist"), 0);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
