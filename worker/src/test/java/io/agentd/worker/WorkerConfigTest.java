package io.agentd.worker;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WorkerConfigTest {
    @Test
    void keysSetTypedValues() {
        WorkerConfig c = new WorkerConfig();
        c.set("servers", "http://127.0.0.1:7420, 127.0.0.1:7430", "test");
        c.set("label", "gpu=yes,tier=fast", "test");
        c.set("slots", "3", "test");
        c.set("heartbeat-interval", "250ms", "test");
        c.set("on-sigterm", "drain", "test");
        c.set("local-api", "[::1]:7422", "test");
        c.validate();
        assertThat(c.servers).containsExactly(URI.create("http://127.0.0.1:7420"), URI.create("http://127.0.0.1:7430"));
        assertThat(c.labels).isEqualTo(Map.of("gpu", "yes", "tier", "fast"));
        assertThat(c.slots).isEqualTo(3);
        assertThat(c.heartbeatInterval).isEqualTo(Duration.ofMillis(250));
        assertThat(c.onSigterm).isEqualTo(WorkerConfig.OnShutdown.DRAIN);
        assertThat(c.address).isEqualTo("[::1]:7422");
        assertThat(WorkerConfig.host(c.address)).isEqualTo("::1");
        assertThat(WorkerConfig.port(c.address)).isEqualTo(7422);
        assertThat(c.workerId).isEqualTo(WorkerConfig.defaultId(Path.of("agentd-worker")));
    }

    @Test
    void badValuesNameTheKeyAndTheSourceOnce() {
        assertThatThrownBy(() -> new WorkerConfig().set("on-sigterm", "explode", "w.yaml"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("w.yaml: on-sigterm: 'explode' must be stop or drain");
        assertThatThrownBy(() -> new WorkerConfig().set("slotz", "3", "--slotz"))
                .hasMessageContaining("unknown worker config key 'slotz'");
        assertThatThrownBy(() -> new WorkerConfig().set("slots", "-1", "--slots"))
                .hasMessage("--slots: slots: -1 is not between 0 and 100000");
        assertThatThrownBy(() -> new WorkerConfig().set("label", "novalue", "--label")).hasMessageContaining("not k=v");
        assertThatThrownBy(() -> new WorkerConfig().set("servers", "http://nohost", "--servers"))
                .hasMessage("--servers: servers: 'http://nohost' is not a URL like http://host:port");
        assertThatThrownBy(() -> new WorkerConfig().set("local-api", "localhost", "--local-api"))
                .hasMessageContaining("local-api").hasMessageContaining("HOST:PORT");
        assertThatThrownBy(() -> new WorkerConfig().set("stop-grace", "soon", "--stop-grace"))
                .hasMessageStartingWith("--stop-grace: stop-grace: ");
        WorkerConfig bad = new WorkerConfig();
        bad.workerId = "no spaces";
        assertThatThrownBy(bad::validate).hasMessageContaining("--worker-id");
    }
}
