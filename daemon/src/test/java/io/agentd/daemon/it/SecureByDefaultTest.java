package io.agentd.daemon.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code agentd server} refuses, exit 2, to listen beyond loopback without TLS, naming the key and the address. */
class SecureByDefaultTest {
    @TempDir
    Path dir;

    @Test
    void aServerWithoutTlsRefusesAnApiAddressBeyondLoopback() throws Exception {
        Run r = server("--http-addr", "0.0.0.0:" + Ports.free(), "--raft-addr", "127.0.0.1:" + Ports.free());
        assertThat(r.exit).as(r.output).isEqualTo(2);
        assertThat(r.output).contains("refusing to listen on 0.0.0.0:").contains("(http-addr) without TLS")
                .contains("tls-cert").contains("insecure: true");
    }

    @Test
    void aServerWithoutTlsRefusesARaftAddressBeyondLoopback() throws Exception {
        int raft = Ports.free();
        Run r = server("--http-addr", "127.0.0.1:" + Ports.free(), "--raft-addr", "0.0.0.0:" + raft,
                "--peers", "n1=0.0.0.0:" + raft);
        assertThat(r.exit).as(r.output).isEqualTo(2);
        assertThat(r.output).contains("refusing to listen on 0.0.0.0:" + raft + " (raft-addr) without TLS");
    }

    private record Run(int exit, String output) {
    }

    private Run server(String... flags) throws Exception {
        List<String> cmd = ChildJvm.agentd("128m", "server", "--data-dir", dir.resolve("data").toString());
        cmd.addAll(List.of(flags));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the server did not refuse: it still runs");
        }
        return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
