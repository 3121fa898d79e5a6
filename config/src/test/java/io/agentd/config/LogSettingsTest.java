package io.agentd.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LogSettingsTest {
    @Test
    void levelsAndFormatsAreCheckedAndNormalised() {
        LogSettings s = LogSettings.of("INFO", Map.of("org.apache.ratis", " Debug "), "JSON");
        assertThat(s.level()).isEqualTo("info");
        assertThat(s.levels()).containsExactly(Map.entry("org.apache.ratis", "debug"));
        assertThat(s.format()).isEqualTo("json");
    }

    @Test
    void aBadValueNamesItsKey() {
        assertThatThrownBy(() -> LogSettings.of("loud", Map.of(), "auto"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("log-level: 'loud' is not a level");
        assertThatThrownBy(() -> LogSettings.of("info", Map.of("io.netty", "verbose"), "auto"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("log-levels: 'verbose'");
        assertThatThrownBy(() -> LogSettings.of("info", Map.of(), "xml"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("log-format: 'xml'");
    }
}
