package io.agentd.daemon.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** {@code promtool check metrics} (Debian's prometheus package) on a /metrics page. */
final class Promtool {
    private Promtool() {
    }

    /** What promtool says about {@code page}: empty when it finds nothing. */
    static String check(String page) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("promtool is needed to check /metrics: apt-get install prometheus", e);
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
