package io.agentd.daemon.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What the real-process tests share: how a child `agentd` JVM is started, and its log's tail. */
final class ChildJvm {
    private ChildJvm() {
    }

    /** java (small heap, quick start) on this test's classpath, running `agentd` with the args. */
    static List<String> agentd(String heap, String... args) {
        return agentd(heap, System.getProperty("java.class.path"), List.of(), args);
    }

    /**
     * java with {@code jvmFlags} (system properties, say) on {@code classpath} (another build's, for
     * upgrade tests), running `agentd` with the args.
     */
    static List<String> agentd(String heap, String classpath, List<String> jvmFlags, String... args) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx" + heap, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        cmd.addAll(jvmFlags);
        cmd.addAll(List.of("-cp", classpath, "io.agentd.daemon.Agentd"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** The last 20,000 characters of a log file, for failure messages. */
    static String tail(Path log) {
        try {
            String s = Files.readString(log);
            return s.length() > 20_000 ? s.substring(s.length() - 20_000) : s;
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
