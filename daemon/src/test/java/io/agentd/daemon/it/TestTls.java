package io.agentd.daemon.it;

import io.agentd.client.ClientTls;
import io.agentd.daemon.Agentd;

import javax.net.ssl.SSLContext;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The certificates of a test cluster, made by {@code agentd tls init} (the command itself, in this
 * JVM), and clients that trust them.
 */
record TestTls(Path dir) {
    /** Runs {@code agentd tls init --dir DIR --servers IDS} and fails the test if it does not succeed. */
    static TestTls init(Path dir, String... servers) {
        StringWriter out = new StringWriter();
        var cl = Agentd.newCommandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(out));
        int exit = cl.execute("tls", "init", "--dir", dir.toString(), "--servers", String.join(",", servers));
        if (exit != 0) {
            throw new AssertionError("agentd tls init exited " + exit + ": " + out);
        }
        return new TestTls(dir);
    }

    Path ca() {
        return dir.resolve("ca.pem");
    }

    Path cert(String name) {
        return dir.resolve(name + ".pem");
    }

    Path key(String name) {
        return dir.resolve(name + "-key.pem");
    }

    /** The flags of server {@code id}: its certificate and key, the CA. */
    List<String> serverFlags(String id) {
        return List.of("--tls-cert", cert(id).toString(), "--tls-key", key(id).toString(), "--tls-ca", ca().toString());
    }

    /** A TLS context that trusts the CA and shows the client certificate (for servers that ask for one). */
    SSLContext clientContext() {
        return ClientTls.sslContext(ca(), cert("client"), key("client"));
    }

    /** A TLS context that trusts the CA and shows no certificate. */
    SSLContext clientContextWithout() {
        return ClientTls.sslContext(ca(), null, null);
    }

    HttpClient httpClient(Duration connectTimeout) {
        return HttpClient.newBuilder().connectTimeout(connectTimeout).sslContext(clientContext()).build();
    }
}
