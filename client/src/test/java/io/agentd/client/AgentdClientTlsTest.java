package io.agentd.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.FileInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The client over TLS against an HTTPS server whose self-signed certificate keytool made: trusted
 * through {@link AgentdClient.Builder#trustedCa} it works; not trusted, the call fails with
 * {@link AgentdException#TLS_FAILED} and says so, on both transports, without retrying until the deadline.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentdClientTlsTest {
  @TempDir
  static Path dir;
  private HttpsServer server;
  private Path serverCert;
  private URI endpoint;

  @BeforeAll
  void start() throws Exception {
    Path store = dir.resolve("server.p12");
    serverCert = dir.resolve("server.pem");
    keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
        "-ext", "san=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12", "-keystore",
        store.toString(), "-storepass", "changeit", "-keypass", "changeit");
    keytool("-exportcert", "-rfc", "-alias", "server", "-keystore", store.toString(), "-storepass", "changeit",
        "-file", serverCert.toString());
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (FileInputStream in = new FileInputStream(store.toFile())) {
      ks.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, "changeit".toCharArray());
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), null, null);
    server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(context));
    server.createContext("/", exchange -> {
      byte[] body = "[]".getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    endpoint = URI.create("https://127.0.0.1:" + server.getAddress().getPort());
  }

  @AfterAll
  void stop() {
    server.stop(0);
  }

  @ParameterizedTest
  @EnumSource(AgentdClient.Transport.class)
  void aServerWhoseCaIsTrustedAnswers(AgentdClient.Transport transport) {
    AgentdClient client = AgentdClient.builder().transport(transport).endpoint(endpoint).trustedCa(serverCert).build();
    assertThat(client.listNamespaces()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(AgentdClient.Transport.class)
  void aServerThatIsNotTrustedFailsTheCallWithTlsFailedAtOnce(AgentdClient.Transport transport) {
    AgentdClient client = AgentdClient.builder().transport(transport).endpoints(List.of(endpoint, endpoint))
        .requestTimeout(Duration.ofSeconds(5)).build();
    long start = System.nanoTime();
    assertThatThrownBy(client::listNamespaces).isInstanceOfSatisfying(AgentdException.class, e -> {
      assertThat(e.code()).isEqualTo(AgentdException.TLS_FAILED);
      assertThat(e.status()).isZero();
      assertThat(e.getMessage()).contains("TLS with " + endpoint + " failed")
          .contains("not signed by a CA this client trusts");
    });
    assertThat(Duration.ofNanos(System.nanoTime() - start)).as("no retries until the deadline")
        .isLessThan(Duration.ofSeconds(5));
  }

  private static void keytool(String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool")
        .toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError("keytool " + String.join(" ", args) + ": " + out);
    }
  }
}
