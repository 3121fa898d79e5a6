package io.agentd.daemon;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The layers of daemon/, as docs/design-notes.md ("The daemon's packages") draws them: the API on
 * top, the coordinator's services below it, Raft below them, the state machine at the bottom, and
 * the composition root ({@code io.agentd.daemon} itself) above all. Every reference to a project
 * package in main sources, imported or written out in full, must be one its package may use; some
 * libraries are kept out of the layers that have no business with them.
 */
class ArchitectureTest {
    /**
     * Daemon package (below io.agentd.daemon; "" is the root) → the project packages it may use.
     * An entry covers its sub-packages: "statemachine" allows io.agentd.statemachine.model too.
     */
    static final Map<String, List<String>> MAY_USE = new LinkedHashMap<>();

    static {
        MAY_USE.put("", List.of("*"));
        MAY_USE.put("api", List.of("daemon.api", "daemon.coordinator", "daemon.providers", "daemon.raft",
                "daemon.config", "daemon.metrics", "daemon.tls", "statemachine", "client"));
        MAY_USE.put("coordinator", List.of("daemon.coordinator", "daemon.providers", "daemon.raft", "daemon.config",
                "statemachine", "client"));
        MAY_USE.put("providers", List.of("daemon.providers", "daemon.raft", "statemachine", "client"));
        MAY_USE.put("raft", List.of("daemon.raft", "statemachine.store"));
        MAY_USE.put("config", List.of("daemon.config", "config", "client"));
        MAY_USE.put("metrics", List.of("daemon.metrics"));
        MAY_USE.put("tls", List.of("daemon.tls"));
        MAY_USE.put("logging", List.of("daemon.logging", "config"));
    }

    /** Daemon package → libraries it must not use. */
    static final Map<String, List<String>> BANNED = Map.of(
            "coordinator", List.of("io.netty", "com.fasterxml", "org.rocksdb", "org.apache.ratis"),
            "raft", List.of("io.netty", "com.fasterxml", "org.rocksdb"),
            "providers", List.of("io.netty", "com.fasterxml", "org.rocksdb", "org.apache.ratis"),
            "config", List.of("io.netty", "org.apache.ratis", "org.rocksdb"),
            "metrics", List.of("io.netty", "org.apache.ratis", "org.rocksdb"),
            "api", List.of("org.rocksdb", "org.apache.ratis"),
            "tls", List.of("io.netty", "org.apache.ratis", "org.rocksdb", "com.fasterxml"),
            "logging", List.of("io.netty", "org.apache.ratis", "org.rocksdb"));

    private static final Pattern PACKAGE = Pattern.compile("^package io\\.agentd\\.daemon(?:\\.([a-z.]+))?;",
            Pattern.MULTILINE);
    /** A project type, imported or written in full: the package is everything before the first capital. */
    private static final Pattern PROJECT_REF = Pattern.compile("\\bio\\.agentd\\.((?:[a-z][a-z0-9]*\\.)*[a-z][a-z0-9]*)\\.[A-Z]");
    private static final Pattern LIBRARY_IMPORT = Pattern.compile("^import (?:static )?([a-z][a-z0-9]*\\.[a-z][a-z0-9]*(?:\\.[a-z][a-z0-9]*)?)",
            Pattern.MULTILINE);

    @Test
    void everyPackageUsesOnlyTheLayersBelowIt() throws IOException {
        Path root = Path.of("src/main/java/io/agentd/daemon");
        List<String> offences = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                offences.addAll(offences(root.relativize(f).toString(), Files.readString(f)));
            }
        }
        assertThat(offences).as("references across the layers (see docs/design-notes.md)").isEmpty();
    }

    @Test
    void theCheckCatchesAServiceThatReachesUpIntoTheApi() {
        String wrong = "package io.agentd.daemon.coordinator;\n\nimport io.agentd.daemon.api.ApiException;\n"
                + "class X { Object o = new io.agentd.daemon.api.Json(); }\n";
        assertThat(offences("coordinator/X.java", wrong)).hasSize(2)
                .allMatch(o -> o.contains("coordinator may not use daemon.api"));
        assertThat(offences("raft/Y.java", "package io.agentd.daemon.raft;\nimport io.netty.buffer.ByteBuf;\n"))
                .containsExactly("raft/Y.java: raft may not use io.netty");
        assertThat(offences("api/Z.java", "package io.agentd.daemon.api;\nimport io.agentd.daemon.Agentd;\n"))
                .containsExactly("api/Z.java: api may not use daemon (the root)");
    }

    @Test
    void theAllowedUsesPointOneWay() {
        for (var a : MAY_USE.entrySet()) {
            for (var b : MAY_USE.entrySet()) {
                if (a.getKey().equals(b.getKey()) || a.getKey().isEmpty() || b.getKey().isEmpty()) {
                    continue;
                }
                boolean ab = a.getValue().contains("daemon." + b.getKey());
                boolean ba = b.getValue().contains("daemon." + a.getKey());
                assertThat(ab && ba).as(a.getKey() + " and " + b.getKey() + " may use each other").isFalse();
            }
        }
    }

    /** What in one source file breaks the rules, as "file: package may not use target". */
    static List<String> offences(String file, String source) {
        Matcher pm = PACKAGE.matcher(source);
        if (!pm.find()) {
            return List.of(file + ": not in io.agentd.daemon");
        }
        String pkg = pm.group(1) == null ? "" : pm.group(1).split("\\.")[0];
        List<String> allowed = MAY_USE.get(pkg);
        if (allowed == null) {
            return List.of(file + ": package " + pkg + " is not in ArchitectureTest's table: add it there and to"
                    + " docs/design-notes.md");
        }
        List<String> out = new ArrayList<>();
        Matcher m = PROJECT_REF.matcher(source);
        while (m.find()) {
            String target = m.group(1);
            if (!allowed.contains("*") && allowed.stream().noneMatch(a -> target.equals(a) || target.startsWith(a + "."))) {
                out.add(file + ": " + pkg + " may not use " + target + (target.equals("daemon") ? " (the root)" : ""));
            }
        }
        Matcher lm = LIBRARY_IMPORT.matcher(source);
        while (lm.find()) {
            for (String banned : BANNED.getOrDefault(pkg, List.of())) {
                if (lm.group(1).equals(banned) || lm.group(1).startsWith(banned + ".")) {
                    out.add(file + ": " + pkg + " may not use " + banned);
                }
            }
        }
        return out;
    }
}
