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

    @Test
    void aKeyWhoseHelpHasAPercentSignIsShownAsWrittenWithoutAPicocliWarning() throws Exception {
        java.io.PrintStream saved = System.err;
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        String usage;
        try {
            System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
            usage = Agentd.newCommandLine().getSubcommands().get("server").getUsageMessage(picocli.CommandLine.Help.Ansi.OFF);
        } finally {
            System.setErr(saved);
        }
        org.assertj.core.api.Assertions.assertThat(usage).contains("a share (5%)");
        org.assertj.core.api.Assertions.assertThat(err.toString(java.nio.charset.StandardCharsets.UTF_8))
                .doesNotContain("picocli WARN");
    }
}
