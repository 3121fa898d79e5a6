package io.agentd.worker;

import io.agentd.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WorkerConfigTest {
    private static WorkerConfig flags(Map<String, List<String>> flags) {
        return WorkerConfig.BINDER.bind(null, Map.of(), flags);
    }

    @Test
    void keysSetTypedValues() {
        WorkerConfig c = flags(Map.of(
                "servers", List.of("http://127.0.0.1:7420, 127.0.0.1:7430"),
                "label", List.of("gpu=yes", "tier=fast"),
                "slots", List.of("3"),
                "heartbeat-interval", List.of("250ms"),
                "on-sigterm", List.of("drain"),
                "local-api", List.of("[::1]:7422")));
        assertThat(c.servers).containsExactly(URI.create("http://127.0.0.1:7420"), URI.create("http://127.0.0.1:7430"));
        assertThat(c.labels).isEqualTo(Map.of("gpu", "yes", "tier", "fast"));
        assertThat(c.slots).isEqualTo(3);
        assertThat(c.heartbeatInterval).isEqualTo(Duration.ofMillis(250));
        assertThat(c.fenceMargin).as("unset: from the coordinators' TTL").isNull();
        assertThat(c.onSigterm).isEqualTo(WorkerConfig.OnShutdown.DRAIN);
        assertThat(c.address).isEqualTo("[::1]:7422");
        assertThat(WorkerConfig.host(c.address)).isEqualTo("::1");
        assertThat(WorkerConfig.port(c.address)).isEqualTo(7422);
        assertThat(c.workerId).isEqualTo(WorkerConfig.defaultId(Path.of("agentd-worker")));
    }

    @Test
    void badValuesNameTheKeyAndTheSourceOnce() {
        assertThatThrownBy(() -> flags(Map.of("on-sigterm", List.of("explode"))))
                .isInstanceOf(ConfigException.class).hasMessage("--on-sigterm: on-sigterm: 'explode' must be stop or drain");
        assertThatThrownBy(() -> flags(Map.of("slotz", List.of("3")))).hasMessageContaining("unknown config key");
        assertThatThrownBy(() -> flags(Map.of("slots", List.of("-1"))))
                .hasMessage("--slots: slots: -1 is not between 0 and 100000");
        assertThatThrownBy(() -> flags(Map.of("label", List.of("novalue")))).hasMessageContaining("is not KEY=VALUE");
        assertThatThrownBy(() -> flags(Map.of("servers", List.of("http://nohost"))))
                .hasMessage("--servers: servers.0: 'http://nohost' is not a URL like http://host:port");
        assertThatThrownBy(() -> flags(Map.of("local-api", List.of("localhost"))))
                .hasMessageContaining("local-api").hasMessageContaining("HOST:PORT");
        assertThatThrownBy(() -> flags(Map.of("stop-grace", List.of("soon"))))
                .hasMessageStartingWith("--stop-grace: stop-grace: 'soon' is not a duration");
        WorkerConfig bad = new WorkerConfig();
        bad.workerId = "no spaces";
        assertThatThrownBy(bad::validate).hasMessageContaining("worker-id");
    }

    @Test
    void httpsServersAndTlsFilesThatGoTogether() {
        WorkerConfig c = flags(Map.of("servers", List.of("https://10.0.0.1:7420,https://10.0.0.2:7420")));
        assertThat(c.servers).containsExactly(URI.create("https://10.0.0.1:7420"), URI.create("https://10.0.0.2:7420"));
        assertThatThrownBy(() -> flags(Map.of("servers", List.of("ftp://10.0.0.1:7420"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("https://host:port");
        assertThatThrownBy(() -> flags(Map.of("tls-cert", List.of("/w.pem"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("tls-key: tls-cert and tls-key go together");
        assertThatThrownBy(() -> flags(Map.of("tls-ca", List.of("/no/such/ca.pem"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("tls-ca").hasMessageContaining("/no/such/ca.pem");
    }
}
