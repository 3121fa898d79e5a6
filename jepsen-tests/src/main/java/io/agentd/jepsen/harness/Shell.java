package io.agentd.jepsen.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs short system commands (ip, iptables, kill) with a bound, and says what failed. */
public final class Shell {
    private Shell() {
    }

    /** The command's output; throws with its output when it fails or runs past 20 s. */
    public static String run(String... cmd) {
        Result r = tryRun(cmd);
        if (r.exit() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed (" + r.exit() + "): " + r.output().strip());
        }
        return r.output();
    }

    public record Result(int exit, String output) {
    }

    /** Runs and returns exit code and output; exit -1 when it could not start or timed out. */
    public static Result tryRun(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(-1, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }

    /** {@code cmd} prefixed to run inside network namespace {@code ns} (null: as is). */
    public static List<String> in(String ns, List<String> cmd) {
        if (ns == null) {
            return cmd;
        }
        List<String> out = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        out.addAll(cmd);
        return out;
    }

    public static void signal(long pid, String sig) {
        tryRun("kill", "-" + sig, Long.toString(pid));
    }
}
