package io.agentd.daemon.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** {@code promtool check metrics} (Debian's prometheus package) on a /metrics page. */
final class Promtool {
    private Promtool() {
    }

    /** Whether promtool is on the PATH. */
    static boolean available() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (java.nio.file.Files.isExecutable(java.nio.file.Path.of(dir, "promtool"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * What promtool says about {@code page}: empty when it finds nothing. Without promtool the
     * calling test is skipped with the reason, after its other checks have run.
     */
    static String check(String page) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
        } catch (IOException e) {
            // Skips the test that asked, saying why (.ci/run installs the tool).
            org.junit.jupiter.api.Assumptions.assumeTrue(false,
                    "promtool is not installed (apt-get install prometheus): " + e.getMessage());
            return "";
        }
        try (var in = p.getOutputStream()) {
            in.write(page.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("promtool did not end within 60 s");
        }
        return p.exitValue() == 0 ? out : out + "(exit " + p.exitValue() + ")";
    }
}
