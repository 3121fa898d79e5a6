package io.agentd.daemon;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AgentdTest {
    @Test
    void smallMachinesGetACommonPoolOfTwoSoAsyncStagesDoNotStartAThreadEach() {
        assertThat(Agentd.commonPoolParallelism(1, null)).isEqualTo("2");
        assertThat(Agentd.commonPoolParallelism(2, null)).isEqualTo("2");
    }

    @Test
    void largerMachinesAndOperatorSettingsAreLeftAlone() {
        assertThat(Agentd.commonPoolParallelism(3, null)).isNull();
        assertThat(Agentd.commonPoolParallelism(16, null)).isNull();
        assertThat(Agentd.commonPoolParallelism(2, "1")).isNull();
    }
}
