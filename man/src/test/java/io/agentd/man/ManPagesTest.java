package io.agentd.man;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentd.config.ConfigKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

class ManPagesTest {
    static Map<String, String> pages;

    @BeforeAll
    static void generate() {
        pages = ManPages.pages("2026-12-07");
    }

    /** How a name is written in the pages. */
    private static String roff(String text) {
        return Roff.escape(text);
    }

    @Test
    void mandocLintFindsNothingInAnyPage(@TempDir Path dir) throws Exception {
        assertThat(pages).containsOnlyKeys("agentctl.1", "agentd.8", "agentd.yaml.5");
        for (Map.Entry<String, String> page : pages.entrySet()) {
            Path file = dir.resolve(page.getKey());
            Files.writeString(file, page.getValue());
            Process p;
            try {
                p = new ProcessBuilder("mandoc", "-T", "lint", file.toString()).redirectErrorStream(true).start();
            } catch (IOException e) {
                org.junit.jupiter.api.Assumptions.assumeTrue(false,
                        "mandoc is not installed (apt-get install mandoc; .ci/run installs it): " + e.getMessage());
                return;
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(out).as(page.getKey()).isEmpty();
            assertThat(p.exitValue()).as(page.getKey()).isZero();
        }
    }

    @Test
    void agentctlPageHasEveryCommandEveryOptionEveryExitCodeAndVariable() {
        String page = pages.get("agentctl.1");
        CommandSpec root = ManPages.agentctlSpec();
        assertThat(ManPages.commands(root)).hasSizeGreaterThan(40); // 48 on 2026-12-07
        for (CommandSpec command : ManPages.commands(root)) {
            assertThat(page).contains(".SS \"" + roff(command.qualifiedName(" ")) + "\"");
            for (OptionSpec o : command.options()) {
                if (!o.hidden()) {
                    assertThat(page).as(command.qualifiedName(" ")).contains("\\fB" + roff(String.join(", ", o.names())));
                }
            }
        }
        io.agentd.cli.Agentctl.exitCodes().keySet().forEach(code -> assertThat(page).contains(".TP\n\\fB" + code + "\\fR\n"));
        io.agentd.cli.Agentctl.environmentVariables().keySet().forEach(v -> assertThat(page).contains(roff(v)));
        assertThat(page).contains(".SH \"EXAMPLES\"", ".SH \"FILES\"", ".SH \"SEE ALSO\"");
    }

    @Test
    void agentdPageHasEveryCommandAndTheYamlPageEveryKeyWithItsDefaultAndVariable() {
        String agentd = pages.get("agentd.8");
        for (CommandSpec command : ManPages.commands(ManPages.agentdSpec())) {
            assertThat(agentd).contains(".SS \"" + roff(command.qualifiedName(" ")) + "\"");
        }
        assertThat(agentd).contains(".SS \"agentd server\"", ".SS \"agentd worker\"", ".SS \"agentd dev\"");
        String yaml = pages.get("agentd.yaml.5");
        for (ConfigKey k : ManPages.serverKeys()) {
            assertThat(yaml).contains("\\fB" + roff(k.name()) + "\\fR", roff(k.env()));
        }
        for (ConfigKey k : ManPages.workerKeys()) {
            assertThat(yaml).contains("\\fB" + roff(k.name()) + "\\fR", roff(k.env()));
        }
        assertThat(ManPages.serverKeys()).anyMatch(k -> k.name().equals("write-delay-target"));
    }

    @Test
    void textIsEscapedAndFilledIntoShortLines() {
        Roff r = new Roff("x", 1, "2026-12-07", "x 1", "m");
        r.section("Name").paragraph(".starts with a dot -and has \\ a backslash " + "word ".repeat(40));
        String out = r.toString();
        assertThat(out).contains("\\&.starts with a dot \\-and has \\e a backslash");
        assertThat(out.lines()).allMatch(l -> l.getBytes(StandardCharsets.UTF_8).length <= Roff.WIDTH);
    }
}
