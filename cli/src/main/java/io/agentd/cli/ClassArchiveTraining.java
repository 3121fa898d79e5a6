package io.agentd.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The run a class data archive of agentctl is recorded from: the commonest commands (get,
 * list, describe, worker list, cluster status) against canned answers from a server on
 * loopback, so the archive holds what a real call loads (picocli's model, the HTTP client,
 * Jackson's binding of each answer, the tables) and not only what a failed connection does.
 *
 * <p>{@code java -XX:ArchiveClassesAtExit=agentctl.jsa -cp agentctl.jar io.agentd.cli.ClassArchiveTraining};
 * exits 0 when every command did.
 */
public final class ClassArchiveTraining {

  static final String ANSWERS = "archive-training.json";

  /** The commands run, each with {@code --addr} of the canned server appended. */
  static final List<List<String>> COMMANDS = List.of(
      List.of("get", "probe"),
      List.of("list"),
      List.of("describe", "probe"),
      List.of("worker", "list"),
      List.of("cluster", "status"),
      List.of("get", "probe", "-o", "json"));

  private ClassArchiveTraining() {}

  public static void main(String[] args) throws IOException {
    PrintWriter discard = new PrintWriter(Writer.nullWriter());
    List<Integer> codes = run(discard, new PrintWriter(System.err, true));
    System.exit(codes.stream().allMatch(c -> c == 0) ? 0 : 1);
  }

  /** Runs {@link #COMMANDS}; returns their exit codes in order. */
  static List<Integer> run(PrintWriter out, PrintWriter err) throws IOException {
    JsonNode answers;
    try (InputStream in = ClassArchiveTraining.class.getResourceAsStream(ANSWERS)) {
      answers = new ObjectMapper().readTree(in);
    }
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> answer(exchange, answers));
    server.start();
    try {
      String addr = "127.0.0.1:" + server.getAddress().getPort();
      List<Integer> codes = new ArrayList<>();
      for (List<String> command : COMMANDS) {
        List<String> args = new ArrayList<>(command);
        args.add("--addr=" + addr);
        String[] argv = args.toArray(String[]::new);
        codes.add(Agentctl.newCommandLine(out, err, Map.of(), argv).execute(argv));
      }
      return codes;
    } finally {
      server.stop(0);
    }
  }

  private static void answer(HttpExchange exchange, JsonNode answers) throws IOException {
    try (exchange) {
      JsonNode body = answers.get(exchange.getRequestURI().getPath());
      byte[] bytes = (body == null ? "{\"code\":\"NOT_FOUND\",\"message\":\"no canned answer\"}" : body.toString())
          .getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.getResponseHeaders().set("X-Agentd-Revision", "4");
      exchange.sendResponseHeaders(body == null ? 404 : 200, bytes.length);
      try (OutputStream os = exchange.getResponseBody()) {
        os.write(bytes);
      }
    }
  }
}
