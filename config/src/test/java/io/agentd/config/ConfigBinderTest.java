package io.agentd.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigBinderTest {
    /** A settings class as the processes have them. */
    public static final class Sample implements ConfigBinder.Checked {
        @Setting("where the data lives")
        public Path dataDir = Path.of("data");
        @Setting("entries per batch")
        public int maxBatch = 512;
        @Setting("how long a lease lasts")
        public Duration workerTtl = Duration.ofSeconds(10);
        @Setting("whether to fail over fast")
        public boolean fastFailover = true;
        @Setting("labels of this process")
        public Map<String, String> label = new TreeMap<>();
        @Setting("servers to talk to")
        public List<String> servers = List.of("a", "b");
        @Setting(value = "this process's id", name = "worker-id", defaultText = "from the host name")
        public String id;

        @Override
        public void check() {
            if (maxBatch < 1 || maxBatch > 10_000) {
                throw new ConfigException("max-batch", "max-batch must be between 1 and 10000, got " + maxBatch);
            }
        }
    }

    private final ConfigBinder<Sample> binder = ConfigBinder.of(Sample.class, Sample::new, "AGENTD_");

    @TempDir
    Path dir;

    private Path yaml(String text) throws IOException {
        return Files.writeString(dir.resolve("agentd.yaml"), text);
    }

    @Test
    void aFlagWinsOverTheEnvironmentWhichWinsOverTheFileWhichWinsOverTheDefault() throws IOException {
        Path file = yaml("max-batch: 7\nworker-ttl: 3s\nfast-failover: false\n");
        assertThat(binder.bind(null, Map.of(), Map.of()).maxBatch).isEqualTo(512);
        assertThat(binder.bind(file, Map.of(), Map.of()).maxBatch).isEqualTo(7);
        assertThat(binder.bind(file, Map.of("AGENTD_MAX_BATCH", "8"), Map.of()).maxBatch).isEqualTo(8);
        Sample s = binder.bind(file, Map.of("AGENTD_MAX_BATCH", "8"), Map.of("max-batch", List.of("9")));
        assertThat(s.maxBatch).isEqualTo(9);
        // Keys given nowhere else keep what the file says.
        assertThat(s.workerTtl).isEqualTo(Duration.ofSeconds(3));
        assertThat(s.fastFailover).isFalse();
        assertThat(s.dataDir).isEqualTo(Path.of("data"));
    }

    @Test
    void anEmptyValueInTheFileIsAnErrorNotTheWordNull() throws IOException {
        Path file = yaml("data-dir:\n");
        assertThatThrownBy(() -> binder.bind(file, Map.of(), Map.of())).isInstanceOf(ConfigException.class)
                .hasMessage(file + ": data-dir: has no value (leave the key out to use its default)");
        assertThatThrownBy(() -> binder.bind(null, Map.of("AGENTD_DATA_DIR", " "), Map.of()))
                .hasMessage("AGENTD_DATA_DIR: data-dir: has no value");
    }

    @Test
    void unknownKeysAreErrorsNamingTheKey() throws IOException {
        Path file = yaml("max-batch: 7\nmax-bacth: 8\n");
        assertThatThrownBy(() -> binder.bind(file, Map.of(), Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(file + ": unknown config key 'max-bacth' (known: data-dir, max-batch,");
        assertThatThrownBy(() -> binder.bind(null, Map.of(), Map.of("nope", List.of("1"))))
                .hasMessageStartingWith("--nope: unknown config key");
        // The environment is only read for known keys: other AGENTD_ variables are someone else's.
        assertThat(binder.bind(null, Map.of("AGENTD_HUGE_PAGES", "off"), Map.of()).maxBatch).isEqualTo(512);
    }

    @Test
    void aMappingInTheFileStaysAMappingSoValuesMayHoldCommas() throws IOException {
        Path file = yaml("label:\n  team: a,b\n  zone: eu-1\n");
        assertThat(binder.bind(file, Map.of(), Map.of()).label).containsExactly(Map.entry("team", "a,b"),
                Map.entry("zone", "eu-1"));
        // As flags: repeated pairs, one of them with a comma in its value; or several pairs in one.
        assertThat(binder.bind(null, Map.of(), Map.of("label", List.of("team=a,b", "zone=eu-1"))).label)
                .containsExactly(Map.entry("team", "a,b"), Map.entry("zone", "eu-1"));
        assertThat(binder.bind(null, Map.of("AGENTD_LABEL", "team=x,zone=y"), Map.of()).label)
                .containsExactly(Map.entry("team", "x"), Map.entry("zone", "y"));
        assertThatThrownBy(() -> binder.bind(null, Map.of(), Map.of("label", List.of("=x"))))
                .hasMessage("--label: label: '=x' is not KEY=VALUE");
        assertThatThrownBy(() -> binder.bind(yaml("label: [a, b]\n"), Map.of(), Map.of()))
                .hasMessageEndingWith("label: expected a mapping of KEY: VALUE");
    }

    @Test
    void listsComeFromASequenceOrCommaSeparatedText() throws IOException {
        assertThat(binder.bind(yaml("servers: [x, y, z]\n"), Map.of(), Map.of()).servers).containsExactly("x", "y", "z");
        assertThat(binder.bind(null, Map.of("AGENTD_SERVERS", "p, q"), Map.of()).servers).containsExactly("p", "q");
    }

    @Test
    void badValuesNameTheKeyTheSourceAndWhatIsExpected() throws IOException {
        Path file = yaml("max-batch: lots\n");
        assertThatThrownBy(() -> binder.bind(file, Map.of(), Map.of()))
                .hasMessage(file + ": max-batch: 'lots' is not a whole number");
        assertThatThrownBy(() -> binder.bind(null, Map.of(), Map.of("worker-ttl", List.of("10 parsecs"))))
                .hasMessage("--worker-ttl: worker-ttl: '10 parsecs' is not a duration (use e.g. 500ms, 3s, 1m, 2h)");
        assertThatThrownBy(() -> binder.bind(null, Map.of("AGENTD_FAST_FAILOVER", "maybe"), Map.of()))
                .hasMessage("AGENTD_FAST_FAILOVER: fast-failover: 'maybe' is not true or false");
        assertThatThrownBy(() -> binder.bind(null, Map.of(), Map.of("max-batch", List.of("0"))))
                .isInstanceOf(ConfigException.class)
                .hasMessage("--max-batch: max-batch must be between 1 and 10000, got 0");
        assertThatThrownBy(() -> binder.bind(null, Map.of(), Map.of("max-batch", List.of("1", "2"))))
                .hasMessage("--max-batch: given 2 times; it takes one value");
    }

    @Test
    void everyKeyListsItsDefaultItsVariableAndWhatItDoes() {
        assertThat(binder.keys()).containsExactly(
                new ConfigKey("data-dir", "AGENTD_DATA_DIR", "data", "where the data lives", ConfigKey.Kind.VALUE),
                new ConfigKey("max-batch", "AGENTD_MAX_BATCH", "512", "entries per batch", ConfigKey.Kind.VALUE),
                new ConfigKey("worker-ttl", "AGENTD_WORKER_TTL", "10s", "how long a lease lasts", ConfigKey.Kind.VALUE),
                new ConfigKey("fast-failover", "AGENTD_FAST_FAILOVER", "true", "whether to fail over fast",
                        ConfigKey.Kind.VALUE),
                new ConfigKey("label", "AGENTD_LABEL", "", "labels of this process", ConfigKey.Kind.MAP),
                new ConfigKey("servers", "AGENTD_SERVERS", "a,b", "servers to talk to", ConfigKey.Kind.LIST),
                new ConfigKey("worker-id", "AGENTD_WORKER_ID", "from the host name", "this process's id",
                        ConfigKey.Kind.VALUE, true)); // a default in words, not a value
    }

    @Test
    void aKeyMayBeNamedOtherwiseThanItsField() throws IOException {
        assertThat(binder.bind(null, Map.of(), Map.of()).id).isNull();
        assertThat(binder.bind(yaml("worker-id: w7\n"), Map.of(), Map.of()).id).isEqualTo("w7");
        assertThat(binder.bind(null, Map.of("AGENTD_WORKER_ID", "w8"), Map.of()).id).isEqualTo("w8");
        assertThatThrownBy(() -> binder.bind(yaml("id: w7\n"), Map.of(), Map.of()))
                .hasMessageContaining("unknown config key 'id'");
    }
}
